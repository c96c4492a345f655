package io.flowcast.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A failure with an HTTP-like status (400, 404, 409, 412, 429, 503...). Components fail event-bus
 * requests with {@code message.fail(status, detail)}; the HTTP edge renders problem+json from it.
 */
public final class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, detail);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, detail);
  }

  public static ApiException conflict(String detail) {
    return new ApiException(409, detail);
  }

  public static ApiException preconditionFailed(String detail) {
    return new ApiException(412, detail);
  }

  public static ApiException unavailable(String detail) {
    return new ApiException(503, detail);
  }

  /** Maps any failure of an event-bus request to an {@link ApiException}. */
  public static ApiException from(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() >= 400
          && reply.failureCode() < 600) {
        return new ApiException(reply.failureCode(), reply.getMessage());
      }
      return unavailable(reply.failureType() == ReplyFailure.TIMEOUT
          ? "the workflow service did not answer in time"
          : "the workflow service is not available");
    }
    return new ApiException(500, "internal error");
  }
}
