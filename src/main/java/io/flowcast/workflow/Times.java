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

  /** The first second {@link #format} hands to {@link Instant#toString} (10000-01-01: five-digit years). */
  private static final long FAST_UNTIL = 253_402_300_800L;

  /**
   * {@code instant} to the millisecond as {@link Instant#toString} writes it ({@code 2026-12-03T08:00:00.120Z},
   * no fraction when the millisecond is 0). Written out by hand for the years 1970 to 9999: it runs several
   * times per mutation (the event, the state hash, the snapshot), and {@code toString} costs several times
   * more (TimesTest holds the two equal).
   */
  public static String format(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < 0 || seconds >= FAST_UNTIL) {
      return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
    int millis = instant.getNano() / 1_000_000;
    int secondOfDay = (int) (seconds % 86_400);
    // the civil date of a day count (H. Hinnant's days_from_civil inverted), for days since 1970-01-01
    long z = seconds / 86_400 + 719_468;
    long era = z / 146_097;
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long shifted = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * shifted + 2) / 5 + 1);
    int month = (int) (shifted < 10 ? shifted + 3 : shifted - 9);
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    char[] text = new char[millis == 0 ? 20 : 24];
    digits(text, 0, year, 4);
    text[4] = '-';
    digits(text, 5, month, 2);
    text[7] = '-';
    digits(text, 8, day, 2);
    text[10] = 'T';
    digits(text, 11, secondOfDay / 3600, 2);
    text[13] = ':';
    digits(text, 14, secondOfDay / 60 % 60, 2);
    text[16] = ':';
    digits(text, 17, secondOfDay % 60, 2);
    if (millis != 0) {
      text[19] = '.';
      digits(text, 20, millis, 3);
    }
    text[text.length - 1] = 'Z';
    return new String(text);
  }

  private static void digits(char[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
