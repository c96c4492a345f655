package io.flowcast.testsupport;

import io.flowcast.bus.ApiException;
import io.vertx.core.Future;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Waiting on a store's futures in contract tests: failures come back as they are (an {@link ApiException}). */
public final class StoreFutures {
  private StoreFutures() {
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("the store did not answer", e);
    }
  }

  /** The future fails with an {@link ApiException} of this status; that failure, for a look at its message. */
  public static ApiException assertFailsWith(int status, Future<?> future) {
    Object value;
    try {
      value = await(future);
    } catch (ApiException e) {
      assertThat(e.status()).as("status of '%s'", e.getMessage()).isEqualTo(status);
      return e;
    }
    fail("expected a failure with status " + status + ", got " + value);
    return null;
  }
}
