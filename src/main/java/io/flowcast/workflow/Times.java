package io.flowcast.workflow;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Timestamps are UTC instants with millisecond precision, formatted as RFC 3339. */
public final class Times {
  private Times() {
  }

  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  public static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
