package io.flowcast.bus;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * A failure with an HTTP-like status (400, 404, 409, 412, 429, 503...). Components fail event-bus
 * requests with {@code message.fail(status, detail)}; the HTTP edge renders problem+json from it.
 */
public final class ApiException extends RuntimeException {
  private static final Map<Integer, String> SLUGS = Map.ofEntries(
      Map.entry(400, "bad-request"), Map.entry(401, "unauthorized"), Map.entry(403, "forbidden"),
      Map.entry(404, "not-found"), Map.entry(405, "method-not-allowed"), Map.entry(406, "not-acceptable"),
      Map.entry(409, "conflict"), Map.entry(410, "gone"), Map.entry(412, "precondition-failed"), Map.entry(413, "payload-too-large"),
      Map.entry(414, "uri-too-long"), Map.entry(415, "unsupported-media-type"),
      Map.entry(422, "unprocessable-content"), Map.entry(429, "too-many-requests"),
      Map.entry(431, "request-header-fields-too-large"),
      Map.entry(503, "service-unavailable"));

  private final int status;
  private final long retryAfterSeconds;

  public ApiException(int status, String detail) {
    this(status, detail, 0);
  }

  /** A refusal that says when to try again ({@code retryAfterSeconds} > 0), such as a spent rate limit. */
  public ApiException(int status, String detail, long retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Seconds after which a retry may succeed, or 0 when the refusal does not say. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
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

  /**
   * This failure as an RFC 9457 problem document, as every edge answers it: the HTTP API as
   * problem+json, the event-bus bridge in its {@code err} frames. {@code instance} (what was asked: a
   * path, an address) may be null.
   */
  public JsonObject problem(String instance, String requestId) {
    JsonObject body = new JsonObject()
        .put("type", "urn:flowcast:problem:" + SLUGS.getOrDefault(status, status >= 500 ? "internal-error" : "error"))
        .put("title", HttpResponseStatus.valueOf(status).reasonPhrase())
        .put("status", status)
        .put("detail", getMessage())
        .put("request_id", requestId);
    if (instance != null) {
      body.put("instance", instance);
    }
    return body;
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
