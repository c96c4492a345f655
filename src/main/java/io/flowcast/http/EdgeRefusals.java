package io.flowcast.http;

import io.flowcast.bus.ApiException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests refused before any route runs: what Netty's decoder could not read (a request line or
 * headers over the limits, a malformed head) and HTTP/1.x requests without {@code Host}. They get the
 * same problem+json and {@code X-Request-Id} as every other refusal, and the connection closes after.
 */
final class EdgeRefusals {
  private static final Logger log = LoggerFactory.getLogger(EdgeRefusals.class);
  /** Longer paths are not echoed as the problem's {@code instance} (a 414 is about that very path). */
  private static final int MAX_ECHOED_PATH = 256;

  private EdgeRefusals() {
  }

  /** For {@code HttpServer.invalidRequestHandler}. */
  static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiException problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = new ApiException(414, "the request line is longer than the server accepts");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = new ApiException(431, "the request headers are larger than the server accepts");
    } else {
      problem = ApiException.badRequest("the request is not valid HTTP/1.1"
          + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }
    refuse(request, problem);
  }

  /** Routes requests that name their host; HTTP/1.1 requires {@code Host} (RFC 9112, section 3.2). */
  static Handler<HttpServerRequest> requireHost(Handler<HttpServerRequest> router) {
    return request -> {
      if (request.version() != HttpVersion.HTTP_2 && request.authority() == null) {
        refuse(request, ApiException.badRequest("a Host header is required"));
        return;
      }
      router.handle(request);
    };
  }

  private static void refuse(HttpServerRequest request, ApiException problem) {
    String id = RequestIds.assign(request);
    log.warn("request {} refused before routing ({}): {}", id, problem.status(), problem.getMessage());
    String path = request.path();
    Problems.send(request.response().putHeader("Connection", "close"), problem,
        path == null || path.length() > MAX_ECHOED_PATH ? null : path, id);
  }
}
