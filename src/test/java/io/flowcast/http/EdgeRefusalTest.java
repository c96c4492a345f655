package io.flowcast.http;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.FlowcastProcess;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input refused by Netty's decoder, by Vert.x or before any route runs gets a 4xx problem+json with an
 * {@code X-Request-Id}, never a 500, and the server logs no error or stack trace for it; a connection
 * that stops half-way through a request is closed by the idle timeout, an open SSE stream is not.
 * The server runs as a process of its own so its whole log can be read afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeRefusalTest {
  private static final int IDLE_MS = 1500;

  private final Vertx vertx = Vertx.vertx();
  private FlowcastProcess server;
  private Api api;
  private String token;

  @BeforeAll
  void start() throws Exception {
    server = FlowcastProcess.start(vertx, Map.of("FLOWCAST_HTTP_IDLE_TIMEOUT_MS", String.valueOf(IDLE_MS),
        "FLOWCAST_SSE_HEARTBEAT_MS", "500"));
    api = Api.on(vertx, server.port());
    token = TestServer.defaultToken(vertx, "edge", "t-edge");
    api.create(token, new JsonObject().put("id", "kept").put("state", new JsonObject().put("x", 1)));
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
    vertx.close().await();
  }

  @Test
  void malformedFormBodiesAre400() throws IOException {
    for (String body : new String[] {"%%%", "a=%zz", "=x", "%"}) {
      assertProblem(post("/api/v1/workflows", "application/x-www-form-urlencoded", body), 400);
      // the token endpoints answer as RFC 6749 says of a malformed request (docs/AUTH.md)
      for (String path : new String[] {"/api/v1/auth/token", "/api/v1/auth/revoke"}) {
        String answer = post(path, "application/x-www-form-urlencoded", body);
        assertThat(answer).as(path + " " + body).startsWith("HTTP/1.1 400 ");
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase();
        assertThat(head).contains("content-type: application/json", "cache-control: no-store", "x-request-id: ");
        assertThat(new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getString("error"))
            .isEqualTo("invalid_request");
      }
    }
  }

  @Test
  void aFormFieldOverTheLimitIs413() throws IOException {
    String body = "a=" + "x".repeat(9000);
    assertProblem(post("/api/v1/workflows", "application/x-www-form-urlencoded", body), 413);
    assertProblem(post("/api/v1/auth/token", "application/x-www-form-urlencoded", body), 413);
  }

  @Test
  void aRequestWithoutHostIs400() throws IOException {
    assertProblem(exchange("GET /health HTTP/1.1\r\n\r\n"), 400);
    assertProblem(exchange("GET /api/v1/workflows/kept HTTP/1.1\r\nX-Request-Id: no-host-1\r\n\r\n"), 400)
        .contains("X-Request-Id: no-host-1");
  }

  @Test
  void whatTheDecoderRefusesIsProblemJson() throws IOException {
    assertProblem(exchange("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "x".repeat(100_000) + "\r\n\r\n"), 431);
    assertProblem(exchange("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
    assertProblem(exchange("POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400);
  }

  @Test
  void aBrokenChunkedBodyEndsTheConnectionWithoutAnError() throws IOException {
    // the framing is lost, so nothing after it can be trusted: Vert.x closes the connection (no 500)
    assertThat(exchange("POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Authorization: Bearer " + token + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")).isEmpty();
  }

  @Test
  void aHalfSentRequestIsClosedByTheIdleTimeoutButAQuietStreamIsNot() throws Exception {
    try (SseClient stream = SseClient.open(vertx, server.port(), "/api/v1/workflows/kept/stream", token, null);
         Socket half = new Socket("127.0.0.1", server.port())) {
      half.getOutputStream().write("GET /health HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
      half.setSoTimeout(IDLE_MS * 4);
      long started = System.nanoTime();
      assertThat(half.getInputStream().read()).as("closed, nothing answered").isEqualTo(-1);
      assertThat((System.nanoTime() - started) / 1_000_000).isBetween((long) IDLE_MS - 200, (long) IDLE_MS * 4);
      assertThat(stream.ended()).as("the stream outlived the idle timeout on its heartbeats").isFalse();
      assertThat(stream.comments()).isPositive();
    }
  }

  @Test
  void clientMistakesLeaveNoErrorInTheLogAndNoDataChanged() throws Exception {
    malformedFormBodiesAre400();
    aFormFieldOverTheLimitIs413();
    aRequestWithoutHostIs400();
    whatTheDecoderRefusesIsProblemJson();
    aBrokenChunkedBodyEndsTheConnectionWithoutAnError();
    try (Socket gone = new Socket("127.0.0.1", server.port())) { // hangs up half-way through a body
      gone.getOutputStream().write(("POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Authorization: Bearer " + token + "\r\nContent-Length: 100\r\n\r\n{\"id\":").getBytes(StandardCharsets.US_ASCII));
    }
    JsonObject kept = api.get("/api/v1/workflows/kept", token).bodyAsJsonObject();
    assertThat(kept.getLong("version")).isEqualTo(1);
    assertThat(kept.getJsonObject("state")).isEqualTo(new JsonObject().put("x", 1));
    assertThat(api.get("/api/v1/workflows?limit=10", token).bodyAsJsonObject().getJsonArray("items"))
        .as("nothing created by the refused requests").hasSize(1);
    String log = server.log();
    assertThat(log).as("the server's log").doesNotContain(" ERROR ").doesNotContain("\tat ");
  }

  private String post(String path, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
    return exchange("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\nContent-Type: "
        + type + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body);
  }

  /** Sends raw bytes on a new connection and reads the answer until the server closes (or 5 s pass). */
  private String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          answer.write(buffer, 0, n);
        }
      } catch (SocketTimeoutException e) {
        // the server kept the connection open: the answer so far is all there is
      } catch (IOException reset) {
        // reset after the answer (the server closed with unread bytes): the answer so far stands
      }
      return answer.toString(StandardCharsets.UTF_8);
    }
  }

  private static org.assertj.core.api.AbstractStringAssert<?> assertProblem(String answer, int status) {
    // a request line too long to read is answered as HTTP/1.0: its version was never read
    assertThat(answer).as("the answer").matches("(?s)HTTP/1\\.[01] " + status + " .*");
    String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n")));
    assertThat(head.toLowerCase()).contains("content-type: application/problem+json").contains("x-request-id: ");
    JsonObject problem = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("request_id")).isNotBlank();
    return assertThat(head);
  }
}
