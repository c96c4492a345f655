package io.flowcast.workflow;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Timestamps are UTC instants with millisecond precision, formatted as RFC 3339. */
public final class Times {
  private Times() {
  }

  /** Now on {@code clock}, to the millisecond (every timestamp Flowcast stores or sends has that precision). */
  public static Instant now(java.time.Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Microseconds since the epoch (for {@link Epochs}). */
  public static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
  }

  public static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
