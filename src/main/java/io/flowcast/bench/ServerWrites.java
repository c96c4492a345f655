package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many events a Flowcast server put into each SSE write, from its {@code /metrics}: deliveries ÷
 * live writes between two readings. Not available from other servers.
 */
final class ServerWrites {
  private static final Pattern DELIVERED = Pattern.compile("(?m)^flowcast_events_delivered_total (\\S+)$");
  private static final Pattern WRITES = Pattern.compile("(?m)^flowcast_sse_live_writes_total (\\S+)$");

  /** One reading of the two counters. */
  record Reading(double delivered, double writes) {
    /** Events per write since {@code before}, or null when nothing was written. */
    Double eventsPerWriteSince(Reading before) {
      double writesThen = writes - before.writes;
      return writesThen > 0 ? (delivered - before.delivered) / writesThen : null;
    }
  }

  private ServerWrites() {
  }

  /** Reads the counters from the server at {@code baseUrl}; fails when it exposes none. To be called on the lane. */
  static Future<Reading> read(Lane lane, String baseUrl) {
    return lane.send(Endpoint.parse(baseUrl).plus("/metrics").request(HttpMethod.GET), null, null, null)
        .compose(answer -> {
          Double delivered = answer.success() ? value(DELIVERED, answer.body()) : null;
          Double writes = answer.success() ? value(WRITES, answer.body()) : null;
          return delivered == null || writes == null
              ? Future.failedFuture(new BenchException("no SSE write counters at " + baseUrl + "/metrics"))
              : Future.succeededFuture(new Reading(delivered, writes));
        });
  }

  static Double value(Pattern pattern, String scrape) {
    Matcher m = pattern.matcher(scrape);
    return m.find() ? Double.valueOf(m.group(1)) : null;
  }
}
