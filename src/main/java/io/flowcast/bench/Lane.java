package io.flowcast.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.util.function.Supplier;

/**
 * One event loop of the bench client with its own HTTP clients. Every connection, and the state of
 * whatever drives it (a client loop, a publisher, a subscriber), lives on one lane, so no locks are
 * needed; totals are summed through thread-safe counters.
 */
final class Lane {
  static final long REQUEST_TIMEOUT_MS = 10_000;

  private final Context context;
  private final HttpClient api;
  private final HttpClient sse;
  private final HttpClient ordered;
  private final NetClient net;

  /** The answer to an API request. */
  record Answer(int status, String body) {
    boolean success() {
      return status >= 200 && status < 300;
    }
  }

  Lane(Context context, int apiConnections, int sseConnections) {
    this.context = context;
    HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout((int) REQUEST_TIMEOUT_MS);
    this.api = context.owner().createHttpClient(options,
        new PoolOptions().setHttp1MaxSize(Math.max(1, apiConnections)).setMaxWaitQueueSize(-1));
    this.sse = context.owner().createHttpClient(new HttpClientOptions(options),
        new PoolOptions().setHttp1MaxSize(Math.max(1, sseConnections)).setMaxWaitQueueSize(-1));
    this.ordered = context.owner().createHttpClient(new HttpClientOptions(options).setPipelining(true)
        .setPipeliningLimit(Publisher.MAX_IN_FLIGHT), new PoolOptions().setHttp1MaxSize(1).setMaxWaitQueueSize(-1));
    this.net = context.owner().createNetClient(new NetClientOptions().setTcpNoDelay(true)
        .setConnectTimeout((int) REQUEST_TIMEOUT_MS));
  }

  /** TCP connections (the event-bus bridge). */
  NetClient net() {
    return net;
  }

  HttpClient sse() {
    return sse;
  }

  /** Runs {@code work} on this lane's event loop. */
  <T> Future<T> call(Supplier<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /** Timers, to be set from this lane (they fire on it). */
  long timer(long delayMs, Runnable task) {
    return context.owner().setTimer(delayMs, id -> task.run());
  }

  long periodic(long periodMs, Runnable task) {
    return context.owner().setPeriodic(periodMs, id -> task.run());
  }

  void cancel(long timerId) {
    if (timerId >= 0) {
      context.owner().cancelTimer(timerId);
    }
  }

  /** An API request with a bounded wait; to be called on this lane. */
  Future<Answer> send(RequestOptions options, String token, String contentType, String body) {
    return send(api, options, token, contentType, body);
  }

  /**
   * A request on this lane's one pipelined HTTP/1.1 connection to that server: requests sent through
   * here reach the server in the order they were sent, several may be in flight, and an HTTP/1.1 server
   * answers them in that order. To be called on this lane.
   */
  Future<Answer> sendInOrder(RequestOptions options, String token, String contentType, String body) {
    return send(ordered, options, token, contentType, body);
  }

  private static Future<Answer> send(HttpClient client, RequestOptions options, String token, String contentType,
      String body) {
    options.setIdleTimeout(REQUEST_TIMEOUT_MS).setConnectTimeout(REQUEST_TIMEOUT_MS);
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      options.addHeader("Content-Type", contentType);
    }
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b.toString())));
  }

  Future<Void> close() {
    return api.close().eventually(sse::close).eventually(ordered::close).eventually(net::close);
  }
}
