package io.flowcast.startup;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One warm-up session, as a user's: create a workflow, open its stream and wait for the snapshot, then
 * one request at a time patch it (two in three) or publish an event on it (one in three), reading it back
 * every tenth, then read its history, close the stream and delete the workflow.
 */
final class WarmupSession {
  private static final String BASE = "/api/v1/workflows/";
  private static final long REQUEST_TIMEOUT_MS = 10_000;

  private final HttpClient client;
  private final HttpClient streams;
  private final String id;
  private final String token;
  private final int operations;
  private final AtomicLong done;
  private final AtomicLong failed;
  private HttpConnection stream;

  WarmupSession(HttpClient client, HttpClient streams, String id, String token, int operations, AtomicLong done,
      AtomicLong failed) {
    this.client = client;
    this.streams = streams;
    this.id = id;
    this.token = token;
    this.operations = operations;
    this.done = done;
    this.failed = failed;
  }

  Future<Void> run() {
    return call(HttpMethod.POST, "/api/v1/workflows", "application/json",
        "{\"id\":\"" + id + "\",\"state\":{},\"ttl_seconds\":600}")
        .compose(v -> openStream())
        .compose(v -> edit(0))
        .compose(v -> call(HttpMethod.GET, BASE + id + "/events?limit=100", null, null))
        // the stream first: a stream the server ended (workflow deleted) could hand its connection back to
        // the pool while the server closes it
        .eventually(() -> stream == null ? Future.succeededFuture() : stream.close())
        .eventually(() -> call(HttpMethod.DELETE, BASE + id, null, null))
        .mapEmpty();
  }

  private Future<Void> edit(int n) {
    if (n >= operations) {
      return Future.succeededFuture();
    }
    Future<Void> sent = n % 3 == 2
        ? call(HttpMethod.POST, BASE + id + "/events", "application/json",
            "{\"type\":\"warmup.tick\",\"data\":{\"n\":" + n + "}}")
        : call(HttpMethod.PATCH, BASE + id, "application/merge-patch+json",
            "{\"state\":{\"k" + (n % 8) + "\":" + n + "}}");
    if (n % 10 == 9) {
      sent = sent.compose(v -> call(HttpMethod.GET, BASE + id, null, null));
    }
    return sent.compose(v -> edit(n + 1));
  }

  /**
   * Opens the stream and completes with its first event, the snapshot (the stream is registered for live
   * events by then, and has read the workflow: the edits and the delete come after that read).
   */
  private Future<Void> openStream() {
    Promise<Void> first = Promise.promise();
    return streams.request(options(HttpMethod.GET, BASE + id + "/stream").addHeader("Accept", "text/event-stream"))
        .compose(request -> request.send())
        .compose(response -> {
          stream = response.request().connection();
          if (response.statusCode() != 200) {
            return Future.failedFuture("stream answered " + response.statusCode());
          }
          response.handler(chunk -> {
            if (chunk.toString().contains("data:")) {
              first.tryComplete();
            }
          });
          response.exceptionHandler(err -> first.tryComplete());
          response.endHandler(v -> first.tryComplete());
          return first.future().timeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        })
        .onComplete(ar -> (ar.succeeded() ? done : failed).incrementAndGet());
  }

  private Future<Void> call(HttpMethod method, String uri, String contentType, String body) {
    RequestOptions options = options(method, uri);
    if (contentType != null) {
      options.addHeader("Content-Type", contentType);
    }
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(b -> response.statusCode()))
        .transform(ar -> {
          (ar.succeeded() && ar.result() / 100 == 2 ? done : failed).incrementAndGet();
          return Future.succeededFuture();
        });
  }

  private RequestOptions options(HttpMethod method, String uri) {
    return new RequestOptions().setMethod(method).setURI(uri).addHeader("Authorization", "Bearer " + token)
        .setIdleTimeout(REQUEST_TIMEOUT_MS).setConnectTimeout(REQUEST_TIMEOUT_MS);
  }
}
