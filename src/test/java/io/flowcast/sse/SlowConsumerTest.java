package io.flowcast.sse;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that stops reading must not make the server buffer without bound: once the stream's
 * backlog is full the server closes the connection (the client would resume with Last-Event-ID).
 */
class SlowConsumerTest {

  @Test
  void stalledReaderIsDisconnectedAndServerBuffersOnlyABoundedBacklog() throws Exception {
    JsonObject config = new JsonObject().put("sse.max_backlog_bytes", 65536).put("events.retention_max", 100);
    try (TestServer server = TestServer.start(config)) {
      String token = server.token("slow", "acme", TestServer.RW);
      server.api().create(token, new JsonObject().put("id", "firehose"));

      NetClient net = server.vertx().createNetClient();
      NetSocket socket = net.connect(server.port(), "127.0.0.1").await();
      AtomicLong received = new AtomicLong();
      AtomicBoolean closed = new AtomicBoolean();
      socket.handler(b -> received.addAndGet(b.length()));
      socket.closeHandler(v -> closed.set(true));
      socket.write("GET /api/v1/workflows/firehose/stream HTTP/1.1\r\nHost: localhost\r\n"
          + "Authorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n").await();
      Thread.sleep(300);
      socket.pause();

      String payload = "x".repeat(16 * 1024);
      int events = 2000;
      long published = 0;
      for (int i = 0; i < events; i++) {
        var response = server.api().post("/api/v1/workflows/firehose/events", token,
            new JsonObject().put("type", "blob").put("data", payload));
        assertThat(response.statusCode()).isEqualTo(201);
        published += payload.length();
      }

      socket.resume();
      Eventually.until("the server closing the stalled stream", Duration.ofSeconds(15), closed::get);
      // What reached the client is what the kernel's socket buffers and the bounded backlog held when the
      // server gave up: far less than the 32 MB published.
      assertThat(received.get()).isLessThan(published / 2);

      // The server is healthy and serves new streams afterwards.
      assertThat(server.api().get("/health", null).statusCode()).isEqualTo(200);
      net.close().await();
    }
  }


  @Test
  void replayToAClientThatTakesNothingEndsAfterTheStallTimeout() throws Exception {
    JsonObject config = new JsonObject().put("sse.max_backlog_bytes", 65536).put("sse.stall_timeout_ms", 1500)
        .put("sse.heartbeat_ms", 200);
    try (TestServer server = TestServer.start(config)) {
      String token = server.token("stuck", "acme", TestServer.RW);
      JsonObject created = server.api().create(token, new JsonObject().put("id", "backlog"));
      // more than the kernel's socket buffers hold on loopback, so the server's own queue fills
      String payload = "y".repeat(32 * 1024);
      for (int i = 0; i < 1000; i++) {
        server.api().post("/api/v1/workflows/backlog/events", token,
            new JsonObject().put("type", "blob").put("data", payload));
      }
      String first = server.api().get("/api/v1/workflows/backlog/events?limit=1", token).bodyAsJsonObject()
          .getJsonArray("events").getJsonObject(0).getString("id");
      assertThat(created.getString("id")).isEqualTo("backlog");

      NetClient net = server.vertx().createNetClient();
      NetSocket socket = net.connect(server.port(), "127.0.0.1").await();
      AtomicBoolean closed = new AtomicBoolean();
      socket.closeHandler(v -> closed.set(true));
      socket.handler(b -> { });
      socket.pause(); // reads nothing of the replay of ~32 MB
      socket.write("GET /api/v1/workflows/backlog/stream HTTP/1.1\r\nHost: localhost\r\n"
          + "Authorization: Bearer " + token + "\r\nLast-Event-ID: " + first + "\r\n\r\n").await();

      Thread.sleep(800);
      assertThat(server.api().metric("flowcast_sse_streams_open")).as("the stream waits for the client within the stall timeout").isEqualTo(1);
      Eventually.await("a replay the client never takes ending the stream", Duration.ofSeconds(10),
          () -> server.api().metric("flowcast_sse_streams_open"), open -> open == 0);
      socket.resume(); // the client now sees what was sent before the close, then the close
      Eventually.until("the client seeing the close", Duration.ofSeconds(10), closed::get);
      net.close().await();
    }
  }
}
