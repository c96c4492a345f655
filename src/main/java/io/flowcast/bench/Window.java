package io.flowcast.bench;

import java.util.concurrent.TimeUnit;

/**
 * The clock of a run, in {@code System.nanoTime()}: it starts, warms up, then measures until {@code end}.
 * Only what happens between {@code measureStart} and {@code end} counts in the figures.
 */
record Window(long start, long measureStart, long end) {
  static final Window NOT_STARTED = new Window(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

  static Window startingNow(int warmupSeconds, int durationSeconds) {
    long now = System.nanoTime();
    long measureStart = now + TimeUnit.SECONDS.toNanos(warmupSeconds);
    return new Window(now, measureStart, measureStart + TimeUnit.SECONDS.toNanos(durationSeconds));
  }

  boolean measures(long nanos) {
    return nanos >= measureStart && nanos <= end;
  }

  boolean over(long nanos) {
    return nanos >= end;
  }

  double seconds() {
    return (end - measureStart) / 1e9;
  }

  static long micros(long nanos) {
    return Math.max(0, nanos / 1000);
  }
}
