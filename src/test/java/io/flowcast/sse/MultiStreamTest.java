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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/stream}: several workflows on one SSE connection, resumed together. */
class MultiStreamTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("sse.heartbeat_ms", 200));
  private static String tenant;
  private static String token;

  @BeforeAll
  static void mintToken() {
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    token = server.token("alice", tenant, TestServer.RW);
  }

  static List<String> newWorkflows(StartedServer on, String token, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "wf-" + UUID.randomUUID();
      on.api().create(token, new JsonObject().put("id", id));
      ids.add(id);
    }
    return ids;
  }

  static String streamPath(List<String> ids) {
    return "/api/v1/stream?" + ids.stream().map(id -> "workflow=" + id).collect(Collectors.joining("&"));
  }

  static JsonObject publish(StartedServer on, String token, String id, String type) {
    var response = on.api().post("/api/v1/workflows/" + id + "/events", token, new JsonObject().put("type", type));
    assertThat(response.statusCode()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }

  /** The snapshot (or reset) of each workflow, by workflow id in the order they arrived, as the stream opens. */
  static Map<String, SseEvent> openings(SseClient sse, int count) {
    Map<String, SseEvent> byWorkflow = new LinkedHashMap<>();
    while (byWorkflow.size() < count) {
      SseEvent event = sse.next(5);
      assertThat(event.event()).isIn("snapshot", "reset");
      assertThat(byWorkflow.put(event.json().getString("id"), event)).as("one opening per workflow").isNull();
    }
    return byWorkflow;
  }

  /** The id of the last opening: the client's position in every workflow once all have opened. */
  static String position(Map<String, SseEvent> openings) {
    return openings.values().stream().reduce((earlier, later) -> later).orElseThrow().id();
  }

  @Test
  void eventsOfThreeWorkflowsArriveOnOneConnectionWithTheirWorkflowIds() {
    List<String> ids = newWorkflows(server, token, 3);
    try (SseClient sse = server.stream(streamPath(ids), token, null)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.response().getHeader("Content-Type")).startsWith("text/event-stream");
      assertThat(sse.response().getHeader("Cache-Control")).isEqualTo("no-cache");
      assertThat(sse.response().getHeader("X-Accel-Buffering")).isEqualTo("no");
      Map<String, SseEvent> snapshots = openings(sse, 3);
      assertThat(snapshots.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(snapshots.values()).allMatch(s -> s.event().equals("snapshot"));
      assertThat(sse.retries()).containsExactly(String.valueOf(server.config().retryMs()));

      for (String id : ids) {
        publish(server, token, id, "note");
      }
      List<String> delivered = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        SseEvent event = sse.next(5);
        assertThat(event.event()).isEqualTo("note");
        assertThat(event.seq()).isEqualTo(2);
        assertThat(event.id()).as("the id names a position in every workflow")
            .matches("v1(\\.[A-Za-z0-9_-]{8}~[0-9]+-[0-9]+){3}");
        delivered.add(event.json().getString("workflow_id"));
      }
      assertThat(delivered).containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  @Test
  void resumeWithCompositeLastEventIdWhilePublishingToAllSkipsNothingAndRepeatsNothing() throws Exception {
    List<String> ids = newWorkflows(server, token, 3);
    int perWorkflow = 500;
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<?>> running = new ArrayList<>();
    SeqsSeen seen;
    try (SseClient first = server.stream(streamPath(ids), token, null)) {
      seen = new SeqsSeen(ids, position(openings(first, 3)));
      // after the snapshots, so every workflow's events from seq 2 on must arrive exactly once
      for (String id : ids) {
        for (int half = 0; half < 2; half++) {
          running.add(pool.submit(() -> {
            for (int i = 0; i < perWorkflow / 2; i++) {
              publish(server, token, id, "tick");
            }
          }));
        }
      }
      seen.read(first, 200);
    }
    try (SseClient second = server.stream(streamPath(ids), token, seen.lastId())) {
      assertThat(running).as("publishers still running while the stream resumes").anyMatch(f -> !f.isDone());
      seen.readUntil(second, "tick", 1L + perWorkflow);
      for (Future<?> publisher : running) {
        publisher.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(second.poll(300)).as("nothing after the last events").isNull();
    }
    seen.assertEachOnce(2, 1 + perWorkflow);
  }

  @Test
  void lastEventIdQueryParameterResumesEveryWorkflow() throws Exception {
    List<String> ids = newWorkflows(server, token, 2);
    String position;
    try (SseClient sse = server.stream(streamPath(ids), token, null)) {
      openings(sse, 2);
      publish(server, token, ids.get(0), "one");
      position = sse.next(5).id();
    }
    publish(server, token, ids.get(1), "two");
    publish(server, token, ids.get(0), "three");
    try (SseClient sse = server.stream(streamPath(ids) + "&last_event_id=" + position, token, null)) {
      List<String> types = List.of(sse.next(5).event(), sse.next(5).event());
      assertThat(types).containsExactlyInAnyOrder("two", "three");
      assertThat(sse.poll(300)).isNull();
    }
  }

  @Test
  void workflowMissingFromTheLastEventIdStartsWithSnapshotWhileOthersResume() throws Exception {
    List<String> ids = newWorkflows(server, token, 3);
    String position;
    try (SseClient sse = server.stream(streamPath(ids.subList(0, 2)), token, null)) {
      position = position(openings(sse, 2));
    }
    publish(server, token, ids.get(0), "missed");
    try (SseClient sse = server.stream(streamPath(ids), token, position)) {
      SseEvent first = sse.next(5);
      SseEvent second = sse.next(5);
      Map<String, SseEvent> byType = Map.of(first.event(), first, second.event(), second);
      assertThat(byType.keySet()).containsExactlyInAnyOrder("missed", "snapshot");
      assertThat(byType.get("missed").json().getString("workflow_id")).isEqualTo(ids.get(0));
      assertThat(byType.get("snapshot").json().getString("id")).isEqualTo(ids.get(2));
      assertThat(sse.poll(300)).as("the second workflow had nothing new").isNull();
    }
  }

  @Test
  void malformedLastEventIdResetsEveryWorkflow() {
    List<String> ids = newWorkflows(server, token, 2);
    String singleStreamId = server.api().get("/api/v1/workflows/" + ids.get(0) + "/events", token)
        .bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getString("id");
    for (String bad : new String[] {"garbage", singleStreamId, "v1.abc~1-0", "v2.AAAAAAAA~1-0", "v1..x"}) {
      try (SseClient sse = server.stream(streamPath(ids), token, bad)) {
        assertThat(sse.status()).isEqualTo(200);
        Map<String, SseEvent> openings = openings(sse, 2);
        assertThat(openings.values()).as("for Last-Event-ID " + bad).allMatch(e -> e.event().equals("reset"));
      }
    }
  }

  @Test
  void unknownEventIdOfOneWorkflowResetsOnlyThatWorkflow() throws Exception {
    List<String> ids = newWorkflows(server, token, 2);
    String position;
    try (SseClient sse = server.stream(streamPath(ids.subList(1, 2)), token, null)) {
      position = sse.next("snapshot", 5).id();
    }
    String stale = position + "." + ResumeId.fingerprint(ids.get(0)) + "~99999999999999-0";
    try (SseClient sse = server.stream(streamPath(ids), token, stale)) {
      SseEvent reset = sse.next(5);
      assertThat(reset.event()).isEqualTo("reset");
      assertThat(reset.json().getString("id")).isEqualTo(ids.get(0));
      assertThat(sse.poll(300)).as("the other workflow resumed with nothing new").isNull();
      publish(server, token, ids.get(1), "after");
      assertThat(sse.next(5).json().getString("workflow_id")).isEqualTo(ids.get(1));
    }
  }

  @Test
  void deletingOneWorkflowEndsItsPartAndTheLastOneEndsTheStream() throws Exception {
    List<String> ids = newWorkflows(server, token, 2);
    try (SseClient sse = server.stream(streamPath(ids), token, null)) {
      openings(sse, 2);
      assertThat(server.api().delete("/api/v1/workflows/" + ids.get(0), token).statusCode()).isEqualTo(204);
      assertThat(sse.next(5).event()).isEqualTo("workflow.deleted");
      publish(server, token, ids.get(1), "still-here");
      assertThat(sse.next(5).event()).isEqualTo("still-here");
      assertThat(sse.ended()).isFalse();
      assertThat(server.api().delete("/api/v1/workflows/" + ids.get(1), token).statusCode()).isEqualTo(204);
      SseEvent deleted = sse.next(5);
      assertThat(deleted.event()).isEqualTo("workflow.deleted");
      assertThat(deleted.json().getString("workflow_id")).isEqualTo(ids.get(1));
      assertThat(sse.awaitEnd(5)).isTrue();
    }
  }

  @Test
  void heartbeatsKeepAnIdleMultiStreamAlive() throws Exception {
    List<String> ids = newWorkflows(server, token, 2);
    try (SseClient sse = server.stream(streamPath(ids), token, null)) {
      openings(sse, 2);
      Thread.sleep(1000);
      assertThat(sse.comments()).as("one heartbeat per interval for the connection").isBetween(2, 7);
      assertThat(sse.ended()).isFalse();
    }
  }

  @Test
  void streamEndsWithAuthExpiredWhenTheTokenExpires() throws Exception {
    List<String> ids = newWorkflows(server, token, 2);
    String shortLived = server.token("alice", tenant, TestServer.RW, 2);
    try (SseClient sse = server.stream(streamPath(ids), shortLived, null)) {
      String position = position(openings(sse, 2));
      SseEvent expired = sse.next("auth.expired", 10);
      assertThat(expired.json().getString("code")).isEqualTo("expired");
      assertThat(expired.id()).as("auth.expired does not move Last-Event-ID").isEqualTo(position);
      assertThat(sse.awaitEnd(5)).isTrue();
    }
  }

  @Test
  void accessTokenQueryParameterOpensTheMultiStream() {
    List<String> ids = newWorkflows(server, token, 2);
    try (SseClient sse = server.stream(streamPath(ids) + "&access_token=" + token, null, null)) {
      assertThat(sse.status()).isEqualTo(200);
      openings(sse, 2);
    }
  }
}
