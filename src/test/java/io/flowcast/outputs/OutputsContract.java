package io.flowcast.outputs;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token streams over real HTTP and SSE (docs/API.md, "Outputs"), the same on every backend: chunks reach
 * streams at once as deltas while the log keeps one event per roll-up window and one with the whole text at
 * the close; a client joining or resuming mid-answer gets the text so far in one frame, then the rest.
 */
abstract class OutputsContract {
  static final String WF = "/api/v1/workflows/answer";
  static final String OUT = WF + "/outputs/reply";
  /** The roll-up window the servers of this contract run with. */
  static final long WINDOW_MS = 100;

  static JsonObject overrides() {
    return new JsonObject().put("outputs.rollup_ms", WINDOW_MS).put("outputs.max_chars", 100_000);
  }

  abstract StartedServer server();

  private String token;

  @BeforeEach
  void freshTenant() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    token = server().token("model", tenant, TestServer.RW);
    server().api().create(token, new JsonObject().put("id", "answer"));
  }

  private HttpResponse<Buffer> append(String text) {
    return server().api().post(OUT + "/append", token, new JsonObject().put("text", text));
  }

  private HttpResponse<Buffer> post(String path, JsonObject body) {
    return server().api().post(path, token, body);
  }

  private List<JsonObject> events(String type) {
    JsonArray all = server().api().get(WF + "/events?limit=1000", token).bodyAsJsonObject().getJsonArray("events");
    List<JsonObject> found = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (all.getJsonObject(i).getString("type").equals(type)) {
        found.add(all.getJsonObject(i));
      }
    }
    return found;
  }

  /**
   * Reads frames as a client keeps an output's text (docs/API.md, "Outputs") until it is {@code expected};
   * a delta must begin at the end of the text held.
   */
  static void follow(SseClient sse, String expected) {
    String text = "";
    while (!text.equals(expected)) {
      SseEvent frame = sse.next(5);
      JsonObject data = frame.json();
      if (frame.event().equals("output.snapshot")) {
        text = data.getString("text");
      } else if (frame.event().equals("output.delta")) {
        assertThat(data.getLong("offset")).as("no gap, no duplicate").isEqualTo(text.length());
        text += data.getString("text");
      }
    }
  }

  @Test
  void chunksReachAStreamAtOnceAndTheOutputAnswersItsTextSoFar() {
    try (SseClient sse = server().stream(WF + "/stream", token, null)) {
      sse.next("snapshot", 5);
      HttpResponse<Buffer> first = append("Hel");
      assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
      assertThat(first.bodyAsJsonObject()).isEqualTo(new JsonObject().put("name", "reply").put("offset", 0)
          .put("length", 3));
      // as a delta, or in the output.snapshot when the stream read the outputs after the chunk
      follow(sse, "Hel");
      append("lo, wörld");
      JsonObject delta = sse.next(5).json();
      assertThat(delta.getString("type")).isEqualTo("output.delta");
      assertThat(delta.getString("name")).isEqualTo("reply");
      assertThat(delta.getLong("offset")).isEqualTo(3L);
      assertThat(delta.getString("text")).isEqualTo("lo, wörld");

      assertThat(server().api().get(OUT, token).bodyAsJsonObject()).isEqualTo(new JsonObject().put("name", "reply")
          .put("text", "Hello, wörld").put("closed", false));

      HttpResponse<Buffer> closed = post(OUT + "/close", new JsonObject());
      assertThat(closed.statusCode()).as(closed.bodyAsString()).isEqualTo(200);
      assertThat(closed.bodyAsJsonObject().getBoolean("closed")).isTrue();
      SseEvent end = sse.next("output.closed", 5);
      assertThat(end.json().getJsonObject("data").getString("text")).isEqualTo("Hello, wörld");
      assertThat(end.json().getJsonObject("data").getLong("length")).isEqualTo(12L);
    }
  }

  @Test
  void theLogKeepsOneEventPerWindowAndTheWholeTextAtTheCloseNotOneEventPerChunk() {
    StringBuilder whole = new StringBuilder();
    long started = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      String chunk = "t" + i + " ";
      assertThat(append(chunk).statusCode()).isEqualTo(200);
      whole.append(chunk);
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    post(OUT + "/close", new JsonObject());

    List<JsonObject> appended = events("output.appended");
    List<JsonObject> closed = events("output.closed");
    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).getJsonObject("data").getString("text")).isEqualTo(whole.toString());
    // one per window that saw a chunk (this instance opens one with the first chunk after a roll-up)
    assertThat(appended.size()).as("roll-ups of 200 chunks in %d ms", elapsedMs)
        .isLessThanOrEqualTo((int) (elapsedMs / WINDOW_MS) + 2);
    // the roll-ups are the text in order, without gaps or overlaps
    StringBuilder rolled = new StringBuilder();
    for (JsonObject e : appended) {
      assertThat(e.getJsonObject("data").getLong("offset")).isEqualTo(rolled.length());
      rolled.append(e.getJsonObject("data").getString("text"));
    }
    assertThat(whole.toString()).startsWith(rolled.toString());
  }

  @Test
  void aClientJoiningMidAnswerGetsTheTextSoFarInOneFrameThenTheLiveChunks() {
    append("The answer ");
    append("is ");
    try (SseClient sse = server().stream(WF + "/stream", token, null)) {
      sse.next("snapshot", 5);
      JsonObject soFar = sse.next("output.snapshot", 5).json();
      assertThat(soFar.getString("name")).isEqualTo("reply");
      assertThat(soFar.getString("text")).isEqualTo("The answer is ");
      assertThat(soFar.getBoolean("closed")).isFalse();
      append("42");
      JsonObject delta = sse.next("output.delta", 5).json();
      assertThat(delta.getLong("offset")).isEqualTo(14L);
      assertThat(delta.getString("text")).isEqualTo("42");
    }
  }

  @Test
  void aClientResumingInsideAnOpenOutputGetsTheTextSoFarOnceThenTheRest() {
    String lastId;
    try (SseClient sse = server().stream(WF + "/stream", token, null)) {
      lastId = sse.next("snapshot", 5).id();
      append("one ");
      follow(sse, "one ");
    }
    append("two ");
    server().api().post(WF + "/events", token, new JsonObject().put("type", "note").put("data", new JsonObject()));
    append("three ");
    try (SseClient sse = server().stream(WF + "/stream", token, lastId)) {
      assertThat(sse.next(5).event()).isEqualTo("note");
      SseEvent soFar = sse.next(5);
      assertThat(soFar.event()).isEqualTo("output.snapshot");
      assertThat(soFar.json().getString("text")).isEqualTo("one two three ");
      append("four");
      SseEvent next = sse.next(5);
      assertThat(next.event()).isEqualTo("output.delta");
      assertThat(next.json().getLong("offset")).isEqualTo(14L);
      post(OUT + "/close", new JsonObject());
      SseEvent closed = sse.next(5);
      assertThat(closed.event()).isEqualTo("output.closed");
      assertThat(closed.json().getJsonObject("data").getString("text")).isEqualTo("one two three four");
    }
  }

  @Test
  void aClientJoiningAfterTheCloseGetsTheWholeTextAsAClosedSnapshotAndOneResumingGetsItFromTheLogOnly()
      throws InterruptedException {
    String before = server().api().get(WF + "/events", token).bodyAsJsonObject().getJsonArray("events")
        .getJsonObject(0).getString("id");
    append("done");
    post(OUT + "/close", new JsonObject());
    try (SseClient sse = server().stream(WF + "/stream", token, null)) {
      sse.next("snapshot", 5);
      JsonObject soFar = sse.next("output.snapshot", 5).json();
      assertThat(soFar.getString("text")).isEqualTo("done");
      assertThat(soFar.getBoolean("closed")).isTrue();
    }
    append2("other", "open");
    try (SseClient sse = server().stream(WF + "/stream", token, before)) {
      SseEvent closed = sse.next(5);
      assertThat(closed.event()).isEqualTo("output.closed");
      assertThat(closed.json().getJsonObject("data").getString("text")).isEqualTo("done");
      SseEvent open = sse.next(5);
      assertThat(open.event()).isEqualTo("output.snapshot");
      assertThat(open.json().getString("name")).isEqualTo("other");
      assertThat(sse.poll(300)).as("nothing more: the closed output is not sent again").isNull();
    }
  }

  private void append2(String name, String text) {
    assertThat(post(WF + "/outputs/" + name + "/append", new JsonObject().put("text", text)).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aCancelClosesOpenOutputsAndATerminalWorkflowRefusesAppendsNamingItsStatus() {
    append("partial");
    HttpResponse<Buffer> cancel = post(WF + "/cancel", new JsonObject().put("reason", "user stopped"));
    assertThat(cancel.statusCode()).as(cancel.bodyAsString()).isEqualTo(200);
    List<JsonObject> closed = events("output.closed");
    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).getJsonObject("data")).isEqualTo(new JsonObject().put("name", "reply")
        .put("length", 7).put("text", "partial").put("reason", "cancelled"));
    assertThat(server().api().get(OUT, token).bodyAsJsonObject().getBoolean("closed")).isTrue();
    HttpResponse<Buffer> refused = append("more");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains("cancelled");
    assertThat(server().api().post(WF + "/outputs/other/append", token, new JsonObject().put("text", "x"))
        .statusCode()).isEqualTo(409);
  }

  @Test
  void aLongAnswerOfManyChunksReadsBackWholeEverywhere() {
    StringBuilder whole = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      String chunk = (i + ": " + "ab\u00e9\u4e2d\ud83d\ude00\"/\n").repeat(40);
      assertThat(append(chunk).statusCode()).isEqualTo(200);
      whole.append(chunk);
    }
    assertThat(server().api().get(OUT, token).bodyAsJsonObject().getString("text")).isEqualTo(whole.toString());
    try (SseClient sse = server().stream(WF + "/stream", token, null)) {
      sse.next("snapshot", 5);
      JsonObject soFar = sse.next("output.snapshot", 5).json();
      assertThat(soFar.getString("text")).isEqualTo(whole.toString());
      assertThat(soFar.getLong("length")).isEqualTo(whole.length());
      append("end");
      whole.append("end");
      assertThat(sse.next(5).json().getLong("offset")).isEqualTo(whole.length() - 3);
    }
    post(OUT + "/close", new JsonObject());
    assertThat(events("output.closed").get(0).getJsonObject("data").getString("text")).isEqualTo(whole.toString());
    StringBuilder rolled = new StringBuilder();
    for (JsonObject e : events("output.appended")) {
      assertThat(e.getJsonObject("data").getLong("offset")).isEqualTo(rolled.length());
      rolled.append(e.getJsonObject("data").getString("text"));
    }
    assertThat(whole.toString()).startsWith(rolled.toString());
  }

  @Test
  void badAppendsAreRefusedWithAClearProblem() {
    append("abc");
    assertThat(append("").statusCode()).isEqualTo(400);
    assertThat(post(OUT + "/append", new JsonObject().put("text", 5)).statusCode()).isEqualTo(400);
    assertThat(post(OUT + "/append", new JsonObject().put("text", "x").put("extra", 1)).statusCode()).isEqualTo(400);
    assertThat(post(WF + "/outputs/bad%20name/append", new JsonObject().put("text", "x")).statusCode()).isEqualTo(400);
    HttpResponse<Buffer> moved = post(OUT + "/append", new JsonObject().put("text", "d").put("offset", 2));
    assertThat(moved.statusCode()).isEqualTo(412);
    assertThat(post(OUT + "/append", new JsonObject().put("text", "d").put("offset", 3)).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> tooLarge = append("x".repeat(100_000));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(server().api().get(WF + "/outputs/none", token).statusCode()).isEqualTo(404);
    assertThat(server().api().post("/api/v1/workflows/nope/outputs/reply/append", token,
        new JsonObject().put("text", "x")).statusCode()).isEqualTo(404);
    post(OUT + "/close", new JsonObject());
    HttpResponse<Buffer> closed = append("late");
    assertThat(closed.statusCode()).isEqualTo(409);
    assertThat(closed.bodyAsJsonObject().getString("detail")).contains("closed");
    assertThat(post(OUT + "/close", new JsonObject()).statusCode()).isEqualTo(409);
  }
}
