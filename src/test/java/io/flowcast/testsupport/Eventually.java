package io.flowcast.testsupport;

import io.vertx.ext.web.client.HttpResponse;

import java.time.Duration;
import java.util.function.Predicate;

/** Polls a probe until its value satisfies a condition or a deadline passes (instead of fixed sleeps). */
public final class Eventually {
  private static final long POLL_MS = 100;

  /** What a test looks at: a request, a query, a metric. It may throw; that fails the test at once. */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  private Eventually() {
  }

  /**
   * The first value of {@code probe} that satisfies {@code done}; fails the test with the last value seen
   * when none did within {@code within}.
   */
  public static <T> T await(String what, Duration within, Probe<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + within.toNanos();
    T last;
    while (true) {
      last = probe(what, probe);
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + within.toMillis() + " ms; last seen: "
            + describe(last));
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Waits until {@code condition} holds; fails the test when it did not within {@code within}. */
  public static void until(String what, Duration within, Probe<Boolean> condition) {
    await(what, within, condition, Boolean.TRUE::equals);
  }

  private static <T> T probe(String what, Probe<T> probe) {
    try {
      return probe.get();
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError("probing for " + what + " failed", e);
    }
  }

  /** An HTTP answer shows as its status and the start of its body (it has no text of its own). */
  private static String describe(Object value) {
    if (value instanceof HttpResponse<?> answer) {
      String body = String.valueOf(answer.bodyAsString());
      return answer.statusCode() + " " + (body.length() > 500 ? body.substring(0, 500) + "..." : body);
    }
    return String.valueOf(value);
  }
}
