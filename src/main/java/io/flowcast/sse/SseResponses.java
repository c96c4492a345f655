package io.flowcast.sse;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/** What every SSE response does the same way: its head, letting go of the request, the token's end. */
final class SseResponses {
  private SseResponses() {
  }

  /**
   * Turns {@code response} into an event stream: chunked, its write queue bounded by
   * {@code maxBacklogBytes} ({@code drained} runs when the client took the queued bytes), not cached
   * and not buffered by a proxy.
   */
  static void begin(HttpServerResponse response, int maxBacklogBytes, Runnable drained) {
    response.setChunked(true)
        .setWriteQueueMaxSize(maxBacklogBytes)
        .drainHandler(v -> drained.run())
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
  }

  /**
   * Nothing reads the headers of an open stream any more: the token and Last-Event-ID were read before
   * it opened, and the response's head has been written. An HTTP/1 connection keeps its request for as
   * long as the stream lives, so its header maps are emptied (about a kilobyte per stream; a browser's
   * cookies and the like: more), and the bearer token no longer stays in memory for the stream's life.
   * Only on HTTP/1, whose head the strict-thread-mode server has encoded by now; an HTTP/2 head may
   * still wait in its stream's queue.
   */
  static void forgetHeaders(HttpServerRequest request) {
    if (request.version() != HttpVersion.HTTP_2) {
      request.headers().clear();
      request.response().headers().clear();
    }
  }

  /** Runs {@code ended} when the token the stream was opened with expires; answers the timer. */
  static long atTokenExpiry(Vertx vertx, long expiresAtEpochSecond, Runnable ended) {
    long delay = expiresAtEpochSecond * 1000 - System.currentTimeMillis();
    return vertx.setTimer(Math.max(1, delay), id -> ended.run());
  }
}
