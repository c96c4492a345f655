package io.flowcast.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves by hand, so TTL, expiry and lease tests pass time instead of sleeping on the wall
 * clock. It starts at the real time (Redis keeps its own clock for what it expires by itself) and only
 * moves forward, when told.
 */
public final class TestClock extends Clock {
  private volatile Instant now = Instant.now();

  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time only moves forward");
    }
    synchronized (this) {
      now = now.plus(duration);
    }
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("Flowcast reads instants only");
  }
}
