package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.concurrent.TimeUnit;

/**
 * One SSE stream held by the bench, on one lane. It counts as open once the server answered 200 and, on
 * Flowcast, sent its first event (the snapshot, which a stream sends only after it is registered for
 * live events); another server's stream counts as open at its 200.
 */
final class SseConnection implements SseLineParser.Listener, EventStream {
  static final long OPEN_TIMEOUT_MS = 30_000;

  private final Lane lane;
  private final Endpoint endpoint;
  private final String token;
  private final boolean awaitFirstEvent;
  private final SseLineParser.Listener events;
  private final SseLineParser parser = new SseLineParser(this);
  private final Promise<Void> opened = Promise.promise();
  private volatile boolean ended;
  private volatile long comments;
  private HttpConnection connection;

  SseConnection(Lane lane, Endpoint endpoint, String token, boolean awaitFirstEvent, SseLineParser.Listener events) {
    this.lane = lane;
    this.endpoint = endpoint;
    this.token = token;
    this.awaitFirstEvent = awaitFirstEvent;
    this.events = events;
  }

  @Override
  public Future<Void> open(ErrorCounts errors) {
    return lane.call(() -> {
      RequestOptions options = endpoint.request(HttpMethod.GET).setConnectTimeout(OPEN_TIMEOUT_MS)
          .addHeader("Accept", "text/event-stream").addHeader("Cache-Control", "no-cache");
      if (token != null) {
        options.addHeader("Authorization", "Bearer " + token);
      }
      return lane.sse().request(options).compose(request -> request.send()).compose(this::started)
          .timeout(OPEN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }).recover(err -> {
      errors.add(err instanceof Refused refused ? String.valueOf(refused.status) : ErrorCounts.kind(err));
      close();
      return Future.failedFuture(err);
    });
  }

  /** The server answered something other than 200. */
  private static final class Refused extends RuntimeException {
    private final int status;

    Refused(int status) {
      super("status " + status, null, false, false);
      this.status = status;
    }
  }

  private Future<Void> started(HttpClientResponse response) {
    connection = response.request().connection();
    if (response.statusCode() != 200) {
      ended = true;
      return response.body().transform(ignored -> Future.failedFuture(new Refused(response.statusCode())));
    }
    response.handler(chunk -> {
      try {
        parser.feed(chunk);
      } catch (IllegalStateException e) {
        ended = true;
        connection.close();
      }
    });
    response.endHandler(v -> ended = true);
    response.exceptionHandler(e -> ended = true);
    if (!awaitFirstEvent) {
      opened.tryComplete();
    }
    return opened.future();
  }

  @Override
  public void event(String id, String type, String data) {
    opened.tryComplete();
    events.event(id, type, data);
  }

  @Override
  public void comment() {
    comments++;
  }

  @Override
  public boolean ended() {
    return ended;
  }

  long comments() {
    return comments;
  }

  @Override
  public Future<Void> close() {
    return lane.call(() -> {
      ended = true;
      return connection == null ? Future.succeededFuture() : connection.close();
    });
  }
}
