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
}
