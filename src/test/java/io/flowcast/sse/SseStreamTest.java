package io.flowcast.sse;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The SSE feed of docs/API.md against a started server, through a real HTTP SSE client. */
class SseStreamTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("sse.heartbeat_ms", 200));
  private static String token;

  @BeforeAll
  static void mintToken() {
    token = server.token("alice", "acme", TestServer.RW);
  }

  private static String newWorkflow() {
    String id = "wf-" + UUID.randomUUID();
    server.api().create(token, new JsonObject().put("id", id).put("state", new JsonObject().put("step", 0)));
    return id;
  }

  private static String path(String id) {
    return "/api/v1/workflows/" + id;
  }

  @Test
  void streamStartsWithSnapshotThenDeliversLiveChanges() {
    String id = newWorkflow();
    try (SseClient sse = server.stream(path(id) + "/stream", token, null)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.response().getHeader("Content-Type")).startsWith("text/event-stream");
      assertThat(sse.response().getHeader("Cache-Control")).isEqualTo("no-cache");
      assertThat(sse.response().getHeader("X-Accel-Buffering")).isEqualTo("no");

      SseEvent snapshot = sse.next(5);
      assertThat(snapshot.event()).isEqualTo("snapshot");
      assertThat(snapshot.json().getString("id")).isEqualTo(id);
      assertThat(snapshot.json().getLong("version")).isEqualTo(1);
      JsonObject history = server.api().get(path(id) + "/events", token).bodyAsJsonObject();
      assertThat(snapshot.id()).isEqualTo(history.getJsonArray("events").getJsonObject(0).getString("id"));
      assertThat(sse.retries()).containsExactly(String.valueOf(server.config().retryMs()));

      JsonObject patch = new JsonObject().put("state", new JsonObject().put("step", 1));
      assertThat(server.api().patch(path(id), token, patch, null).statusCode()).isEqualTo(200);
      SseEvent update = sse.next(5);
      assertThat(update.event()).isEqualTo("state.updated");
      assertThat(update.json().getLong("seq")).isEqualTo(2);
      assertThat(update.json().getLong("version")).isEqualTo(2);
      assertThat(update.json().getJsonObject("data")).isEqualTo(patch);
      assertThat(update.id()).isEqualTo(update.json().getString("id"));
    }
  }

  @Test
  void resumeWithLastEventIdWhilePublishingSkipsNothingAndRepeatsNothing() throws Exception {
    String id = newWorkflow();
    int publishers = 4;
    int perPublisher = 400;
    long finalSeq = 1 + (long) publishers * perPublisher;
    ExecutorService pool = Executors.newFixedThreadPool(publishers);
    List<Future<?>> running = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      int publisher = p;
      running.add(pool.submit(() -> {
        for (int i = 0; i < perPublisher; i++) {
          JsonObject event = new JsonObject().put("type", "tick").put("data", new JsonObject()
              .put("publisher", publisher).put("i", i));
          int status = server.api().post(path(id) + "/events", token, event).statusCode();
          if (status != 201) {
            throw new AssertionError("publish answered " + status);
          }
        }
      }));
    }

    List<Long> firstPart = new ArrayList<>();
    String lastSeen;
    try (SseClient first = server.stream(path(id) + "/stream", token, null)) {
      SseEvent snapshot = first.next("snapshot", 5);
      lastSeen = snapshot.id();
      while (firstPart.size() < 100) {
        SseEvent event = first.next(10);
        firstPart.add(event.seq());
        lastSeen = event.id();
      }
    }
    for (int i = 1; i < firstPart.size(); i++) {
      assertThat(firstPart.get(i)).as("first connection contiguous").isEqualTo(firstPart.get(i - 1) + 1);
    }

    List<Long> resumed = new ArrayList<>();
    try (SseClient second = server.stream(path(id) + "/stream", token, lastSeen)) {
      assertThat(running).as("publishers still running while the stream resumes").anyMatch(f -> !f.isDone());
      long expected = firstPart.get(firstPart.size() - 1) + 1;
      while (expected <= finalSeq) {
        SseEvent event = second.next(20);
        assertThat(event.event()).isEqualTo("tick");
        resumed.add(event.seq());
        expected++;
      }
      for (Future<?> publisher : running) {
        publisher.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(second.poll(300)).as("nothing after the last event").isNull();
    }
    long from = firstPart.get(firstPart.size() - 1) + 1;
    List<Long> wanted = new ArrayList<>();
    for (long s = from; s <= finalSeq; s++) {
      wanted.add(s);
    }
    assertThat(resumed).containsExactlyElementsOf(wanted);
    assertThat(resumed.size()).as("the resumed stream carried over 1,000 events").isGreaterThan(1000);
  }

  @Test
  void lastEventIdQueryParameterResumesLikeTheHeader() {
    String id = newWorkflow();
    JsonObject first = server.api().post(path(id) + "/events", token,
        new JsonObject().put("type", "note").put("data", "one")).bodyAsJsonObject();
    server.api().post(path(id) + "/events", token, new JsonObject().put("type", "note").put("data", "two"));
    try (SseClient sse = server.stream(path(id) + "/stream?last_event_id=" + first.getString("id"), token, null)) {
      SseEvent event = sse.next(5);
      assertThat(event.event()).isEqualTo("note");
      assertThat(event.json().getString("data")).isEqualTo("two");
      assertThat(event.seq()).isEqualTo(3);
    }
  }

  @Test
  void unknownOrMalformedLastEventIdGetsResetWithCurrentWorkflow() {
    String id = newWorkflow();
    server.api().patch(path(id), token, new JsonObject().put("status", "running"), null);
    long version = 2;
    String epoch = server.api().get(path(id) + "/events", token).bodyAsJsonObject().getJsonArray("events")
        .getJsonObject(0).getString("id").split("-")[0];
    java.util.Map<String, String> reasons = new java.util.LinkedHashMap<>();
    reasons.put("1-0", "epoch changed");
    reasons.put("99999999999999-0", "epoch changed");
    reasons.put("not-an-id", "malformed id");
    reasons.put(epoch + "-999", "unknown id");
    for (String lastId : reasons.keySet()) {
      try (SseClient sse = server.stream(path(id) + "/stream", token, lastId)) {
        SseEvent reset = sse.next(5);
        assertThat(reset.event()).as("for Last-Event-ID " + lastId).isEqualTo("reset");
        assertThat(reset.json().getString("reason")).as("why, for Last-Event-ID " + lastId)
            .isEqualTo(reasons.get(lastId));
        assertThat(reset.json().getString("status")).isEqualTo("running");
        assertThat(reset.json().getLong("version")).isEqualTo(version++);
        server.api().patch(path(id), token, new JsonObject().put("metadata", new JsonObject().put("k", lastId)),
            null);
        assertThat(sse.next(5).event()).isEqualTo("state.updated");
      }
    }
  }

  @Test
  void lastEventIdOlderThanRetainedHistoryGetsReset() {
    try (TestServer small = TestServer.start(new JsonObject().put("events.retention_max", 5))) {
      String t = small.token("bob", "acme", TestServer.RW);
      small.api().create(t, new JsonObject().put("id", "short"));
      String firstEventId = small.api().get(path("short") + "/events", t).bodyAsJsonObject()
          .getJsonArray("events").getJsonObject(0).getString("id");
      for (int i = 0; i < 10; i++) {
        small.api().post(path("short") + "/events", t, new JsonObject().put("type", "tick"));
      }
      try (SseClient sse = small.stream(path("short") + "/stream", t, firstEventId)) {
        SseEvent reset = sse.next(5);
        assertThat(reset.event()).isEqualTo("reset");
        assertThat(reset.json().getString("reason")).isEqualTo("behind retention");
        assertThat(reset.json().getString("id")).isEqualTo("short");
        JsonObject events = small.api().get(path("short") + "/events", t).bodyAsJsonObject();
        String newest = events.getJsonArray("events").getJsonObject(events.getJsonArray("events").size() - 1)
            .getString("id");
        assertThat(reset.id()).isEqualTo(newest);
      }
    }
  }

  @Test
  void heartbeatCommentsKeepAnIdleStreamAlive() throws Exception {
    String id = newWorkflow();
    try (SseClient sse = server.stream(path(id) + "/stream", token, null)) {
      sse.next("snapshot", 5);
      Thread.sleep(1200);
      assertThat(sse.comments()).isGreaterThanOrEqualTo(2);
      assertThat(sse.ended()).isFalse();
    }
  }

  @Test
  void deleteSendsWorkflowDeletedAndClosesTheStream() throws Exception {
    String id = newWorkflow();
    try (SseClient sse = server.stream(path(id) + "/stream", token, null)) {
      sse.next("snapshot", 5);
      assertThat(server.api().delete(path(id), token).statusCode()).isEqualTo(204);
      SseEvent deleted = sse.next(5);
      assertThat(deleted.event()).isEqualTo("workflow.deleted");
      assertThat(deleted.seq()).isEqualTo(2);
      assertThat(sse.awaitEnd(5)).isTrue();
    }
  }

  @Test
  void streamOfUnknownWorkflowAnswers404ProblemBeforeStreaming() {
    try (SseClient sse = server.stream(path("nobody-here") + "/stream", token, null)) {
      assertThat(sse.status()).isEqualTo(404);
      assertThat(sse.response().getHeader("Content-Type")).isEqualTo("application/problem+json");
    }
  }

  @Test
  void accessTokenQueryParameterOpensTheStreamButNoOtherEndpoint() {
    String id = newWorkflow();
    try (SseClient sse = server.stream(path(id) + "/stream?access_token=" + token, null, null)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.next(5).event()).isEqualTo("snapshot");
    }
    assertThat(server.api().get(path(id) + "?access_token=" + token, null).statusCode()).isEqualTo(401);
  }

  @Test
  void accessTokenQueryParameterCanBeSwitchedOff() {
    try (TestServer strict = TestServer.start(new JsonObject().put("sse.query_token_enabled", false))) {
      String t = strict.token("carol", "acme", TestServer.RW);
      strict.api().create(t, new JsonObject().put("id", "q"));
      try (SseClient sse = strict.stream(path("q") + "/stream?access_token=" + t, null, null)) {
        assertThat(sse.status()).isEqualTo(401);
      }
    }
  }

  @Test
  void streamEndsWithAuthExpiredWhenTheTokenExpires() throws Exception {
    String id = newWorkflow();
    String shortLived = server.token("alice", "acme", TestServer.RW, 2);
    try (SseClient sse = server.stream(path(id) + "/stream", shortLived, null)) {
      SseEvent snapshot = sse.next("snapshot", 5);
      SseEvent expired = sse.next("auth.expired", 10);
      assertThat(expired.id()).as("auth.expired does not move Last-Event-ID").isEqualTo(snapshot.id());
      assertThat(sse.awaitEnd(5)).isTrue();
    }
  }

  @Test
  void streamNeedsTheReadScope() {
    String id = newWorkflow();
    String writeOnly = server.token("alice", "acme", "workflows:write");
    try (SseClient sse = server.stream(path(id) + "/stream", writeOnly, null)) {
      assertThat(sse.status()).isEqualTo(403);
    }
  }
}
