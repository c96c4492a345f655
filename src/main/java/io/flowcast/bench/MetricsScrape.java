package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One read of a Flowcast server's {@code /metrics} (Prometheus text), and the value of a meter in it. */
record MetricsScrape(String text) {

  /** Reads {@code /metrics} of the server at {@code baseUrl}; fails unless it answers 2xx. To be called on the lane. */
  static Future<MetricsScrape> read(Lane lane, String baseUrl) {
    String url = baseUrl + "/metrics";
    return lane.send(Endpoint.parse(baseUrl).plus("/metrics").request(HttpMethod.GET), null, null, null)
        .compose(answer -> answer.success() ? Future.succeededFuture(new MetricsScrape(answer.body()))
            : Future.failedFuture(new BenchException(url + " answered " + answer.status())));
  }

  /** The value of the meter without labels named {@code name}; null when the server has none. */
  Double value(String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
    return m.find() ? Double.valueOf(m.group(1)) : null;
  }
}
