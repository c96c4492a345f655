package io.flowcast.sse;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.TcpProxy;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant feed when things go wrong: a client that reads slowly gets coalesced entries, the newest last,
 * never a backlog; a feed whose instance lost its pub/sub link to Redis starts over with a fresh snapshot.
 */
class TenantFeedFaultsTest {
  private static final Vertx vertx = Vertx.vertx();
  private static final int IN_FLIGHT = 16;

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void aClientThatDoesNotReadGetsTheNewestChangeOfAWorkflowNotEveryOne() throws Exception {
    // far more entries (about 100 bytes each) than the kernel's socket buffers take
    int patches = 20_000;
    try (TestServer server = TestServer.start(new JsonObject().put("sse.max_backlog_bytes", 4096));
         Socket socket = new Socket()) {
      String token = server.token("alice", "t-" + UUID.randomUUID().toString().substring(0, 8), TestServer.RW);
      server.api().create(token, new JsonObject().put("id", "busy"));
      // a small receive window and a client that reads nothing while the changes are made: the
      // connection's buffers fill at once
      socket.setReceiveBufferSize(2048);
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
      socket.getOutputStream().write(("GET /api/v1/feed HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
          + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      readUntil(in, received, "event: snapshot");
      patchConcurrently(server, token, "busy", patches);
      long newest = patches + 1;
      readUntil(in, received, "\"version\":" + newest + ",");
      List<Long> versions = new ArrayList<>();
      Matcher m = Pattern.compile("event: workflow.changed\r?\ndata: \\{\"id\":\"busy\",\"version\":(\\d+)")
          .matcher(received);
      while (m.find()) {
        versions.add(Long.parseLong(m.group(1)));
      }
      assertThat(versions).as("versions only grow").isSorted().doesNotHaveDuplicates();
      assertThat(versions.get(versions.size() - 1)).isEqualTo(newest);
      // how many depends on what the kernel's socket buffers took before the server's queue filled; once it
      // is full, every change waits for the next write and only the newest goes out
      assertThat(versions.size()).as("entries sent for " + patches + " changes").isLessThan(patches / 2);
    }
  }

  /** {@code count} PATCHes of the workflow's state, {@value #IN_FLIGHT} at a time; fails on any refusal. */
  private static void patchConcurrently(TestServer server, String token, String id, int count) {
    WebClient client = WebClient.create(vertx);
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < IN_FLIGHT; lane++) {
      lanes.add(patchLoop(client, server.port(), token, id, next, count));
    }
    Future.all(lanes).await();
    client.close();
  }

  private static Future<Void> patchLoop(WebClient client, int port, String token, String id, AtomicInteger next,
      int count) {
    int n = next.incrementAndGet();
    if (n > count) {
      return Future.succeededFuture();
    }
    return client.patch(port, "127.0.0.1", "/api/v1/workflows/" + id).bearerTokenAuthentication(token)
        .putHeader("Content-Type", "application/merge-patch+json")
        .sendBuffer(Buffer.buffer("{\"state\":{\"n\":" + n + "}}"))
        .compose(r -> r.statusCode() == 200 ? patchLoop(client, port, token, id, next, count)
            : Future.failedFuture("PATCH answered " + r.statusCode() + ": " + r.bodyAsString()));
  }

  /** Reads the raw response (chunk sizes and all) until it holds {@code text}. */
  private static void readUntil(InputStream in, StringBuilder received, String text) throws Exception {
    byte[] buffer = new byte[8192];
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (received.indexOf(text) < 0) {
      assertThat(System.nanoTime()).as("'" + text + "' within 20 s").isLessThan(deadline);
      int n = in.read(buffer);
      assertThat(n).as("the stream ended before '" + text + "'").isPositive();
      received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
  }

  @Test
  void aFeedStartsOverWithAFreshSnapshotWhenItsPubSubLinkComesBack() throws Exception {
    JsonObject direct = TestServer.onRedis();
    try (TcpProxy proxy = TcpProxy.inFrontOf(vertx, TestServer.redisUrl());
         TestServer feedSide = TestServer.start(TestServer.onRedis().put("redis.url",
             proxy.url(TestServer.redisUrl())).put("redis.fallback", "none"));
         TestServer writer = TestServer.start(direct)) {
      String token = writer.token("alice", "t-" + UUID.randomUUID().toString().substring(0, 8), TestServer.RW);
      writer.api().create(token, new JsonObject().put("id", "before"));
      try (SseClient feed = feedSide.stream("/api/v1/feed", token, null)) {
        SseEvent first = feed.next(10);
        assertThat(first.event()).isEqualTo("snapshot");
        assertThat(first.data()).contains("\"before\"").doesNotContain("\"meanwhile\"");
        proxy.cut();
        writer.api().create(token, new JsonObject().put("id", "meanwhile"));
        proxy.restore();
        SseEvent again = feed.next(30);
        assertThat(again).as("a fresh snapshot after the reconnect").isNotNull();
        assertThat(again.event()).isEqualTo("snapshot");
        assertThat(again.data()).contains("\"before\"").contains("\"meanwhile\"");
        writer.api().patch("/api/v1/workflows/meanwhile", token, new JsonObject().put("status", "running"), null);
        SseEvent live = feed.next(10);
        assertThat(live.event()).isEqualTo("workflow.changed");
        assertThat(live.json().getString("id")).isEqualTo("meanwhile");
      }
    }
  }
}
