package io.flowcast.workflow;

/**
 * An event id in the form Redis Streams use, {@code <millis>-<n>}: it orders a workflow's events and
 * is opaque to clients.
 */
public record EventId(long millis, long n) implements Comparable<EventId> {

  /** Parses an id; null when the text is not an event id. */
  public static EventId parse(String text) {
    // ASCII digits only: Long.parseLong would also take other scripts' digits and a '+' sign
    if (text == null || text.length() > 41 || !text.matches("[0-9]{1,19}-[0-9]{1,19}")) {
      return null;
    }
    int dash = text.indexOf('-');
    if (dash <= 0 || dash == text.length() - 1) {
      return null;
    }
    try {
      long millis = Long.parseLong(text, 0, dash, 10);
      long n = Long.parseLong(text, dash + 1, text.length(), 10);
      return millis < 0 || n < 0 ? null : new EventId(millis, n);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The next id after this one at wall-clock time {@code nowMillis}, never going backwards. */
  public EventId next(long nowMillis) {
    return nowMillis > millis ? new EventId(nowMillis, 0) : new EventId(millis, n + 1);
  }

  @Override
  public int compareTo(EventId o) {
    int c = Long.compare(millis, o.millis);
    return c != 0 ? c : Long.compare(n, o.n);
  }

  @Override
  public String toString() {
    return millis + "-" + n;
  }
}
