package io.flowcast.bench;

import io.vertx.core.Future;

/**
 * How many events a Flowcast server put into each SSE write, from its {@code /metrics}: deliveries ÷
 * live writes between two readings. Not available from other servers.
 */
final class ServerWrites {
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
    return MetricsScrape.read(lane, baseUrl).compose(scrape -> {
      Double delivered = scrape.value("flowcast_events_delivered_total");
      Double writes = scrape.value("flowcast_sse_live_writes_total");
      return delivered == null || writes == null
          ? Future.failedFuture(new BenchException("no SSE write counters at " + baseUrl + "/metrics"))
          : Future.succeededFuture(new Reading(delivered, writes));
    });
  }
}
