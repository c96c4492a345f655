package io.flowcast.instances;

import java.util.function.DoubleSupplier;

/**
 * Events written to this instance's SSE streams per second since the previous reading. Measured on the
 * monotonic clock: a rate is a duration, which a test clock moved by hand would distort.
 */
final class DeliveryRate {
  private final DoubleSupplier total;
  private double lastTotal;
  private long lastNanos;

  DeliveryRate(DoubleSupplier total) {
    this.total = total;
    this.lastTotal = total.getAsDouble();
    this.lastNanos = System.nanoTime();
  }

  /** The rate since the previous call (since construction for the first), to two decimals. */
  double perSecond() {
    double now = total.getAsDouble();
    long nanos = System.nanoTime();
    double seconds = (nanos - lastNanos) / 1e9;
    double rate = seconds <= 0 ? 0 : (now - lastTotal) / seconds;
    lastTotal = now;
    lastNanos = nanos;
    return Math.round(rate * 100) / 100.0;
  }
}
