package io.flowcast.sse;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live frames written below the HTTP encoder ({@link SseChannel}) are valid HTTP/1.1 chunks on the wire,
 * in order with what the response writes itself, checked byte by byte by a strict chunked-body reader on
 * a raw socket.
 */
class SseChannelTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("sse.heartbeat_ms", 200));

  @Test
  void heldChunksAndTheResponsesOwnWritesMakeOneValidChunkedBody() throws Exception {
    Vertx vertx = server.vertx();
    AtomicReference<SseChannel> channel = new AtomicReference<>();
    AtomicInteger sharedRefsAfterEnd = new AtomicInteger(-1);
    ByteBuf shared = SseFrames.chunk(Buffer.buffer("data: shared\n\n"), true);
    String big = "data: " + "x".repeat(300) + "\n\n";
    HttpServer http = vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true).setPort(0)
        .setHost("127.0.0.1"));
    http.requestHandler(req -> {
      var response = req.response().setChunked(true);
      response.write("retry: 1\n\n");
      SseChannel ch = SseChannel.of(req.connection());
      channel.set(ch);
      if (ch == null) {
        response.end();
        return;
      }
      ch.hold(shared.retainedDuplicate());
      ch.hold(shared.retainedDuplicate());
      ch.hold(SseFrames.chunk(Buffer.buffer(big), false));
      ch.writeHeld();
      response.write(": heartbeat\n\n");
      ch.hold(shared.retainedDuplicate());
      ch.writeHeld();
      response.end().onComplete(v -> sharedRefsAfterEnd.set(shared.refCnt()));
    });
    int port = http.listen().await().actualPort();
    try {
      Chunked body = get(port, "/", "");
      assertThat(channel.get()).as("Vert.x's HTTP/1.1 pipeline lets the stream write below its encoder").isNotNull();
      assertThat(body.text()).isEqualTo(
          "retry: 1\n\n" + "data: shared\n\n".repeat(2) + big + ": heartbeat\n\n" + "data: shared\n\n");
      // each held chunk stays a chunk of its own: the retry line, shared twice, the big one, the heartbeat, shared
      assertThat(body.sizes()).containsExactly(10, 14, 14, big.length(), 13, 14);
      long deadline = System.currentTimeMillis() + 5000;
      while (sharedRefsAfterEnd.get() != 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(sharedRefsAfterEnd.get()).as("every reference written was given back").isEqualTo(1);
    } finally {
      http.close().await();
    }
  }

  @Test
  void aCompressingServerKeepsTheResponsesWritePath() throws Exception {
    AtomicReference<Boolean> direct = new AtomicReference<>();
    HttpServer http = server.vertx().createHttpServer(new HttpServerOptions().setStrictThreadMode(true).setPort(0)
        .setHost("127.0.0.1").setCompressionSupported(true));
    http.requestHandler(req -> {
      direct.set(SseChannel.of(req.connection()) != null);
      req.response().setChunked(true).end("x");
    });
    int port = http.listen().await().actualPort();
    try {
      get(port, "/", "Accept-Encoding: identity\r\n");
      assertThat(direct.get()).isFalse();
    } finally {
      http.close().await();
    }
  }

  @Test
  void aStreamsLiveEventsArriveAsValidChunksInOrder() throws Exception {
    String token = server.token("alice", "acme", TestServer.RW);
    String id = "wf-" + UUID.randomUUID();
    String path = "/api/v1/workflows/" + id;
    server.api().create(token, new JsonObject().put("id", id).put("state", new JsonObject()));
    CompletableFuture<Chunked> read = CompletableFuture.supplyAsync(() -> {
      try {
        return get(server.port(), path + "/stream", "Authorization: Bearer " + token + "\r\n");
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    Thread.sleep(1000); // the stream is open
    int events = 60;
    for (int i = 0; i < events; i++) {
      assertThat(server.api().post(path + "/events", token, new JsonObject().put("type", "tick").put("data", i))
          .statusCode()).isEqualTo(201);
    }
    assertThat(server.api().delete(path, token).statusCode()).isEqualTo(204);
    Chunked body = read.get(30, TimeUnit.SECONDS);
    List<Long> seqs = new ArrayList<>();
    Matcher seq = Pattern.compile("\"seq\":(\\d+)").matcher(body.text());
    while (seq.find()) {
      seqs.add(Long.parseLong(seq.group(1)));
    }
    // from the snapshot's seq (1 unless events came before the stream opened) to the deletion, each once
    List<Long> expected = new ArrayList<>();
    for (long s = seqs.get(0); s <= events + 2; s++) {
      expected.add(s);
    }
    assertThat(seqs).isEqualTo(expected);
    assertThat(body.text()).startsWith("retry: ").contains("event: snapshot\n").endsWith("\n\n")
        .contains("event: workflow.deleted\n");
  }

  /** A chunked body as read: its text and the size of each chunk. */
  private record Chunked(String text, List<Integer> sizes) {
  }

  /**
   * Sends a GET with {@code Connection: close} and reads the answer strictly: a 200 head with
   * {@code Transfer-Encoding: chunked}, then chunks (hex size, CRLF, data, CRLF) up to the last, empty one.
   */
  private static Chunked get(int port, String path, String headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String status = line(in);
      assertThat(status).startsWith("HTTP/1.1 200");
      boolean chunked = false;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        chunked |= header.equalsIgnoreCase("transfer-encoding: chunked");
      }
      assertThat(chunked).as("chunked response").isTrue();
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      List<Integer> sizes = new ArrayList<>();
      while (true) {
        String size = line(in);
        assertThat(size).as("chunk size line").matches("[0-9a-f]+");
        int n = Integer.parseInt(size, 16);
        if (n == 0) {
          assertThat(line(in)).as("no trailers, then the end").isEmpty();
          break;
        }
        sizes.add(n);
        text.write(in.readNBytes(n));
        assertThat(line(in)).as("CRLF after a chunk's data").isEmpty();
      }
      assertThat(in.read()).as("nothing after the last chunk").isEqualTo(-1);
      return new Chunked(text.toString(StandardCharsets.UTF_8), sizes);
    }
  }

  /** One CRLF-terminated line (a bare LF fails). */
  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); ; b = in.read()) {
      assertThat(b).as("line not ended before the connection closed").isNotEqualTo(-1);
      if (b == '\r') {
        assertThat(in.read()).as("LF after CR").isEqualTo('\n');
        return line.toString();
      }
      assertThat(b).as("bare LF in a chunk's framing").isNotEqualTo('\n');
      line.append((char) b);
    }
  }
}
