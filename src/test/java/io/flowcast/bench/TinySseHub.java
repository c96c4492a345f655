package io.flowcast.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal pub/sub SSE server standing in for another hub (nginx + nchan) in generic-mode tests:
 * {@code GET /sub/{channel}} streams, {@code POST /pub/{channel}} sends the raw body as one event's data.
 * With {@code dropEvery} n > 0 it loses every n-th message, so the bench's check has something to find.
 */
final class TinySseHub implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, List<HttpServerResponse>> channels = new HashMap<>();
  private int published;

  TinySseHub(Vertx vertx, int dropEvery) {
    server = vertx.createHttpServer().requestHandler(request -> {
      String path = request.path();
      if (path.startsWith("/sub/")) {
        HttpServerResponse response = request.response().setChunked(true)
            .putHeader("Content-Type", "text/event-stream");
        response.write(": hi\n\n");
        String channel = path.substring(5);
        synchronized (channels) {
          channels.computeIfAbsent(channel, c -> new ArrayList<>()).add(response);
        }
        response.closeHandler(v -> {
          synchronized (channels) {
            channels.get(channel).remove(response);
          }
        });
      } else if (path.startsWith("/pub/")) {
        request.body().onSuccess(body -> {
          if (dropEvery == 0 || ++published % dropEvery != 0) {
            publish(path.substring(5), body.toString());
          }
          request.response().setStatusCode(201).end();
        });
      } else {
        request.response().setStatusCode(404).end();
      }
    });
    server.listen(0, "127.0.0.1").await();
  }

  /** Sends {@code body} as one event's data to the channel's subscribers; from any thread. */
  void publish(String channel, String body) {
    synchronized (channels) {
      channels.getOrDefault(channel, List.of()).forEach(r -> r.write("data: " + body + "\n\n"));
    }
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
