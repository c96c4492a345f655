package io.flowcast.flush;

import io.vertx.core.json.JsonObject;

/** What the flusher reports (on /ready now, as metrics later): backlog, lag, batches, failures. */
final class FlushStats {
  private long backlog;
  private long lagMs;
  private long batches;
  private long rows;
  private long lastBatchRows;
  private long lastBatchMicros;
  private long failures;
  private String lastFailure;

  void flushed(int count, long nanos) {
    batches++;
    rows += count;
    lastBatchRows = count;
    lastBatchMicros = nanos / 1000;
  }

  void failed(Throwable err) {
    failures++;
    lastFailure = err.getMessage();
  }

  void backlog(long entries, long lagMs) {
    this.backlog = entries;
    this.lagMs = lagMs;
  }

  long backlog() {
    return backlog;
  }

  JsonObject toJson() {
    return new JsonObject().put("backlog", backlog).put("lag_ms", lagMs).put("batches", batches)
        .put("rows", rows).put("last_batch_rows", lastBatchRows).put("last_batch_us", lastBatchMicros)
        .put("failures", failures).put("last_failure", lastFailure);
  }
}
