package io.flowcast.testsupport;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a probe until its value satisfies a condition or a deadline passes (instead of fixed sleeps). */
public final class Eventually {
  private static final long POLL_MS = 100;

  private Eventually() {
  }

  /**
   * The first value of {@code probe} that satisfies {@code done}; fails the test with the last value seen
   * when none did within {@code within}.
   */
  public static <T> T await(String what, Duration within, Supplier<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + within.toNanos();
    T last;
    while (true) {
      last = probe.get();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + within.toMillis() + " ms; last seen: " + last);
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
