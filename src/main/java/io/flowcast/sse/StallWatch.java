package io.flowcast.sse;

/**
 * Tells, at each heartbeat, whether a client has taken nothing of its write queue for too long: the
 * queue full at every look since some time, with no drain signal in between. A replay waits for drains
 * rather than treating a full queue as a stalled client, and a quiet stream writes nothing live, so
 * only this check notices a client that is gone or stuck.
 */
final class StallWatch {
  private long fullSince;
  private long drainsAtFull;

  /**
   * How long (ms) the client has taken nothing, once that is at least {@code timeoutMs}; else -1.
   * {@code drains} counts the drain signals so far.
   */
  long stalledFor(boolean queueFull, long drains, long timeoutMs) {
    if (!queueFull) {
      fullSince = 0;
      return -1;
    }
    long now = System.currentTimeMillis();
    if (fullSince == 0 || drains != drainsAtFull) {
      fullSince = now;
      drainsAtFull = drains;
      return -1;
    }
    return now - fullSince >= timeoutMs ? now - fullSince : -1;
  }

  /**
   * One heartbeat tick of an SSE response: the heartbeat comment when its queue has room; nothing while it
   * is full but the client still takes bytes; {@code stalled} (given how long, ms) once it took nothing for
   * {@code timeoutMs}.
   */
  void tick(io.vertx.core.http.HttpServerResponse response, long drains, long timeoutMs, Runnable heartbeat,
      java.util.function.LongConsumer stalled) {
    long stalledFor = stalledFor(response.writeQueueFull(), drains, timeoutMs);
    if (stalledFor >= 0) {
      stalled.accept(stalledFor);
    } else if (!response.writeQueueFull()) {
      heartbeat.run();
    }
  }
}
