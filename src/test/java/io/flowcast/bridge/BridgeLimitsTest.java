package io.flowcast.bridge;

import io.flowcast.testsupport.BridgeClient;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TestCertificates;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.flowcast.testsupport.TestServer.RW;
import static org.assertj.core.api.Assertions.assertThat;

/** The bridge's bounds: the rate limits and stream cap of the HTTP API, slow consumers, and TLS. */
class BridgeLimitsTest {

  @Test
  void rateLimitsAndTheStreamCapApplyToBridgeClients() {
    int tcp = TestServer.freePort();
    JsonObject config = new JsonObject().put("bridge.tcp.port", tcp).put("ratelimit.enabled", true)
        .put("ratelimit.write_burst", 3).put("ratelimit.write_per_minute", 1)
        .put("ratelimit.max_streams_per_subject", 2);
    try (TestServer server = TestServer.start(config); BridgeClient client = BridgeClient.tcp(tcp)) {
      String token = server.token("limited", "t-rl", RW);
      for (int i = 0; i < 3; i++) {
        JsonObject created = client.call("flowcast.workflow.create", token,
            new JsonObject().put("body", new JsonObject().put("id", "rl-" + i)));
        assertThat(created.getString("type")).as(created.encode()).isEqualTo("message");
      }
      JsonObject refused = client.call("flowcast.workflow.create", token,
          new JsonObject().put("body", new JsonObject().put("id", "rl-3")));
      assertThat(refused.getInteger("failureCode")).isEqualTo(429);
      assertThat(refused.getString("message")).contains("too many write requests");
      assertThat(refused.getLong("retry_after")).as("seconds to wait, as HTTP's Retry-After").isPositive();
      assertThat(server.api().get("/api/v1/workflows/rl-3", token).statusCode()).isEqualTo(404);

      client.register("flowcast.events.rl-0", token, null);
      assertThat(client.next(5).getJsonObject("body").getString("type")).isEqualTo("snapshot");
      client.register("flowcast.events.rl-1", token, null);
      assertThat(client.next(5).getJsonObject("body").getString("type")).isEqualTo("snapshot");
      client.register("flowcast.events.rl-2", token, null);
      JsonObject capped = client.next(5);
      assertThat(capped.getInteger("failureCode")).isEqualTo(429);
      assertThat(capped.getString("message")).contains("at most 2 streams");
      assertThat(capped.getLong("retry_after")).isPositive();
      client.send(new JsonObject().put("type", "unregister").put("address", "flowcast.events.rl-0"));
      Eventually.await("a place under the cap again", Duration.ofSeconds(5), () -> {
        client.register("flowcast.events.rl-2", token, null);
        return client.next(5);
      }, frame -> "message".equals(frame.getString("type")));
    }
  }

  @Test
  void aClientThatDoesNotReadIsDisconnectedWithABoundedBacklog() throws Exception {
    int tcp = TestServer.freePort();
    JsonObject config = new JsonObject().put("bridge.tcp.port", tcp).put("sse.max_backlog_bytes", 65536)
        .put("events.retention_max", 100);
    try (TestServer server = TestServer.start(config)) {
      String token = server.token("slow", "acme", RW);
      server.api().create(token, new JsonObject().put("id", "firehose"));
      NetClient net = server.vertx().createNetClient();
      NetSocket socket = net.connect(tcp, "127.0.0.1").await();
      AtomicLong received = new AtomicLong();
      AtomicBoolean closed = new AtomicBoolean();
      socket.handler(b -> received.addAndGet(b.length()));
      socket.closeHandler(v -> closed.set(true));
      byte[] register = new JsonObject().put("type", "register").put("address", "flowcast.events.firehose")
          .put("headers", new JsonObject().put("authorization", "Bearer " + token)).encode().getBytes();
      socket.write(Buffer.buffer().appendInt(register.length).appendBytes(register)).await();
      Eventually.until("the snapshot", Duration.ofSeconds(5), () -> received.get() > 0);
      socket.pause();
      double slowBefore = server.api().metric("flowcast_sse_slow_consumers_closed_total");

      String payload = "x".repeat(16 * 1024);
      int events = 1000;
      long published = 0;
      for (int i = 0; i < events && !closed.get(); i++) {
        assertThat(server.api().post("/api/v1/workflows/firehose/events", token,
            new JsonObject().put("type", "blob").put("data", payload)).statusCode()).isEqualTo(201);
        published += payload.length();
      }
      socket.resume();
      Eventually.until("the server closing the connection", Duration.ofSeconds(15), closed::get);
      assertThat(received.get()).as("what the socket buffers and the bounded backlog held").isLessThan(published / 2);
      assertThat(server.api().metric("flowcast_sse_slow_consumers_closed_total")).isEqualTo(slowBefore + 1);
      assertThat(server.api().metric("flowcast_sse_streams_open")).isZero();
      net.close().await();
    }
  }

  @Test
  void aSilentTcpClientIsClosedAndAPingingOneStays() throws Exception {
    int tcp = TestServer.freePort();
    try (TestServer server = TestServer.start(new JsonObject().put("bridge.tcp.port", tcp)
        .put("bridge.idle_timeout_ms", 1000));
         BridgeClient silent = BridgeClient.tcp(tcp); BridgeClient pinging = BridgeClient.tcp(tcp)) {
      for (int i = 0; i < 6; i++) {
        pinging.send(new JsonObject().put("type", "ping"));
        assertThat(pinging.next(5).getString("type")).isEqualTo("pong");
        Thread.sleep(400);
      }
      assertThat(silent.awaitClose(5)).as("nothing read for bridge.idle_timeout_ms").isTrue();
      assertThat(pinging.awaitClose(0)).isFalse();
    }
  }

  @Test
  void aClientThatSendsWithoutReadingIsNoLongerRead() throws Exception {
    int tcp = TestServer.freePort();
    try (TestServer server = TestServer.start(new JsonObject().put("bridge.tcp.port", tcp)
        .put("sse.max_backlog_bytes", 4096));
         java.net.Socket socket = new java.net.Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", tcp));
      byte[] ping = "{\"type\":\"ping\"}".getBytes();
      byte[] frame = java.nio.ByteBuffer.allocate(4 + ping.length).putInt(ping.length).put(ping).array();
      AtomicLong sent = new AtomicLong();
      Thread writer = new Thread(() -> {
        try {
          var out = socket.getOutputStream();
          while (sent.get() < 5_000_000) {
            out.write(frame);
            sent.incrementAndGet();
          }
        } catch (java.io.IOException e) {
          // closed at the end of the test
        }
      });
      writer.setDaemon(true);
      writer.start();
      long last = -1;
      long stalledSince = 0;
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline) {
        Thread.sleep(250);
        long now = sent.get();
        if (now == last) {
          if (stalledSince == 0) {
            stalledSince = System.currentTimeMillis();
          } else if (System.currentTimeMillis() - stalledSince >= 1500) {
            break;
          }
        } else {
          stalledSince = 0;
        }
        last = now;
      }
      assertThat(sent.get()).as("the server stopped reading pings it cannot answer").isLessThan(5_000_000);
      assertThat(stalledSince).as("the client's writes stalled").isPositive();
      // the client reads again: its pongs arrive, and the server reads it again
      var in = new java.io.DataInputStream(socket.getInputStream());
      int length = in.readInt();
      byte[] json = new byte[length];
      in.readFully(json);
      assertThat(new JsonObject(new String(json)).getString("type")).isEqualTo("pong");
      assertThat(server.api().get("/health", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theWebSocketBridgeCanBeTurnedOff() {
    try (TestServer server = TestServer.start(new JsonObject().put("bridge.websocket.enabled", false))) {
      var response = server.api().get("/api/v1/bus", null);
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    }
  }

  @Test
  void theTcpBridgeSpeaksTlsWhenGivenACertificate() throws Exception {
    int tcp = TestServer.freePort();
    try (TestCertificates certificates = TestCertificates.generate();
         TestServer server = TestServer.start(new JsonObject().put("bridge.tcp.port", tcp)
             .put("bridge.tcp.tls.cert_file", certificates.serverCert().toString())
             .put("bridge.tcp.tls.key_file", certificates.serverKey().toString()))) {
      NetClient tls = server.vertx().createNetClient(new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
          .setTrustOptions(new PemTrustOptions().addCertPath(certificates.caCert().toString())));
      NetSocket socket = tls.connect(tcp, "localhost").await();
      CompletableFuture<String> reply = new CompletableFuture<>();
      socket.handler(b -> reply.complete(b.getString(4, b.length())));
      byte[] ping = "{\"type\":\"ping\"}".getBytes();
      socket.write(Buffer.buffer().appendInt(ping.length).appendBytes(ping));
      assertThat(new JsonObject(reply.get(5, TimeUnit.SECONDS)).getString("type")).isEqualTo("pong");
      tls.close().await();

      try (BridgeClient plain = BridgeClient.tcp(tcp)) {
        plain.send(new JsonObject().put("type", "ping"));
        assertThat(plain.poll(1000)).as("no frame without TLS").isNull();
      }
    }
  }
}
