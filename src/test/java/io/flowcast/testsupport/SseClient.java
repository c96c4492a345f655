package io.flowcast.testsupport;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real SSE client over HTTP/1.1 that parses the stream as the EventSource specification does and
 * queues events, comments and the end of the stream for the test thread.
 */
public final class SseClient implements AutoCloseable {
  private final HttpClient client;
  private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
  private final AtomicInteger comments = new AtomicInteger();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final List<String> retries = new ArrayList<>();
  private final StringBuilder pending = new StringBuilder();
  private String id;
  private String type;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private HttpClientResponse response;

  private SseClient(HttpClient client) {
    this.client = client;
  }

  static SseClient open(Vertx vertx, int port, String path, String token, String lastEventId) {
    HttpClient client = vertx.createHttpClient();
    SseClient sse = new SseClient(client);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(path).addHeader("Accept", "text/event-stream");
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      options.addHeader("Last-Event-ID", lastEventId);
    }
    // The request is made from an event loop, so the response callback runs on that loop as the head
    // arrives and the handlers are attached before any chunk (or the end) is processed.
    Promise<HttpClientResponse> opened = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> client.request(options).compose(req -> req.send())
        .onFailure(opened::fail)
        .onSuccess(response -> {
          response.handler(sse::onData);
          response.endHandler(end -> sse.ended.set(true));
          response.exceptionHandler(e -> sse.ended.set(true));
          opened.complete(response);
        }));
    sse.response = opened.future().await();
    return sse;
  }

  public HttpClientResponse response() {
    return response;
  }

  public int status() {
    return response.statusCode();
  }

  /** The next event, waiting up to {@code seconds}; fails the test if none arrives. */
  public SseEvent next(long seconds) {
    try {
      SseEvent event = events.poll(seconds, TimeUnit.SECONDS);
      if (event == null) {
        throw new AssertionError("no SSE event within " + seconds + " s (ended: " + ended.get() + ")");
      }
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next event of the given type, skipping others. */
  public SseEvent next(String eventType, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()) + 1;
      SseEvent event = next(left);
      if (event.event().equals(eventType)) {
        return event;
      }
    }
  }

  public SseEvent poll(long millis) throws InterruptedException {
    return events.poll(millis, TimeUnit.MILLISECONDS);
  }

  public boolean awaitEnd(long seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000;
    while (!ended.get() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    return ended.get();
  }

  public boolean ended() {
    return ended.get();
  }

  public int comments() {
    return comments.get();
  }

  public synchronized List<String> retries() {
    return List.copyOf(retries);
  }

  @Override
  public void close() {
    client.close();
  }

  private synchronized void onData(Buffer chunk) {
    pending.append(chunk.toString(StandardCharsets.UTF_8));
    int newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      String line = pending.substring(0, newline);
      pending.delete(0, newline + 1);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      onLine(line);
    }
  }

  private void onLine(String line) {
    if (line.isEmpty()) {
      if (hasData) {
        events.add(new SseEvent(id, type == null ? "message" : type, data.toString()));
      }
      type = null;
      data.setLength(0);
      hasData = false;
      return;
    }
    if (line.startsWith(":")) {
      comments.incrementAndGet();
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "id" -> id = value;
      case "event" -> type = value;
      case "retry" -> retries.add(value);
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      default -> { }
    }
  }
}
