package io.flowcast.testsupport;

import io.flowcast.bench.SseLineParser;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real SSE client over HTTP/1.1 that parses the stream with the bench's {@link SseLineParser} (as the
 * EventSource specification does) and queues events, comments and the end of the stream for the test
 * thread.
 */
public final class SseClient implements AutoCloseable {
  private final HttpClient client;
  private final SseLineParser parser = new SseLineParser(new Queued());
  private final BlockingQueue<SseEvent> events = new LinkedBlockingQueue<>();
  private final AtomicInteger comments = new AtomicInteger();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final List<String> retries = new ArrayList<>();
  private volatile RuntimeException unparsable;
  private HttpClientResponse response;

  private SseClient(HttpClient client) {
    this.client = client;
  }

  public static SseClient open(Vertx vertx, int port, String path, String token, String lastEventId) {
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
          response.handler(chunk -> sse.onData(response, chunk));
          response.endHandler(end -> sse.ended.countDown());
          response.exceptionHandler(e -> sse.ended.countDown());
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
        throw new AssertionError("no SSE event within " + seconds + " s (ended: " + ended() + ")", unparsable);
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

  /** Whether the stream ended (or failed) within {@code seconds}. */
  public boolean awaitEnd(long seconds) throws InterruptedException {
    return ended.await(seconds, TimeUnit.SECONDS);
  }

  public boolean ended() {
    return ended.getCount() == 0;
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

  /** What a failure message shows of it. */
  @Override
  public String toString() {
    return "SSE stream answered " + status() + (ended() ? ", ended" : "");
  }

  private void onData(HttpClientResponse from, Buffer chunk) {
    try {
      parser.feed(chunk);
    } catch (IllegalStateException e) {
      // a line past the parser's limit: the stream is of no use any more, and next() says why
      unparsable = e;
      ended.countDown();
      from.request().connection().close();
    }
  }

  /** What the parser reports, queued for the test thread. */
  private final class Queued implements SseLineParser.Listener {
    @Override
    public void event(String id, String type, String data) {
      events.add(new SseEvent(id, type, data));
    }

    @Override
    public void comment() {
      comments.incrementAndGet();
    }

    @Override
    public void retry(String value) {
      synchronized (SseClient.this) {
        retries.add(value);
      }
    }
  }
}
