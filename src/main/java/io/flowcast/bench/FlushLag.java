package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * The write-behind flusher's lag and backlog as a Flowcast server reports them on {@code /metrics}
 * ({@code flowcast_flush_lag_seconds}: the age of the oldest unflushed change, measured by the server
 * at each flush tick; {@code flowcast_flush_backlog}: unflushed changes), sampled while measuring.
 */
final class FlushLag {
  static final long SAMPLE_MS = 250;

  private final Histogram lagMs = new Histogram(3);
  private long backlogMax;
  private int unreadable;

  /** Reads both gauges once; a server without them (or unreachable) counts as an unreadable sample. */
  Future<Void> sample(Lane lane, String baseUrl) {
    return MetricsScrape.read(lane, baseUrl)
        .map(scrape -> {
          record(scrape.value("flowcast_flush_lag_seconds"), scrape.value("flowcast_flush_backlog"));
          return (Void) null;
        })
        .otherwise(err -> {
          record(null, null);
          return null;
        });
  }

  synchronized void record(Double lagSeconds, Double backlog) {
    if (lagSeconds == null || backlog == null) {
      unreadable++;
      return;
    }
    lagMs.recordValue(Math.round(lagSeconds * 1000));
    backlogMax = Math.max(backlogMax, backlog.longValue());
  }

  synchronized JsonObject toJson() {
    JsonObject json = new JsonObject().put("samples", lagMs.getTotalCount()).put("unreadable", unreadable);
    if (lagMs.getTotalCount() > 0) {
      json.put("p50_ms", lagMs.getValueAtPercentile(50)).put("p99_ms", lagMs.getValueAtPercentile(99))
          .put("max_ms", lagMs.getMaxValue()).put("backlog_max", backlogMax);
    }
    return json;
  }
}
