package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis loses what it held (a restart without persistence, a failover to an empty replica, an
 * eviction): simulated by removing every key of this deployment's prefix. What PostgreSQL has stays
 * readable, whole and in order.
 */
class RedisDataLossTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(RedisDataLossTest.class);
  @RegisterExtension
  static final Databases db = new Databases(KEY_PREFIX);
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void historyIsWholeFromTheStartAndAfterAnyFlushedIdOnceRedisLostTheWorkflow() throws Exception {
    String tenant = tenant();
    String token = server.token("loss", tenant, TestServer.RW);
    String path = "/api/v1/workflows/wx1";
    server.api().create(token, new JsonObject().put("id", "wx1").put("state", new JsonObject().put("step", 1)));
    for (int i = 0; i < 3; i++) {
      assertThat(server.api().post(path + "/events", token, new JsonObject().put("type", "tick")).statusCode())
          .isEqualTo(201);
    }
    db.awaitFlushed(tenant, "wx1", 4);
    List<String> ids = ids(server.api().get(path + "/events?limit=10", token).bodyAsJsonObject());

    db.flushRedis();

    assertThat(server.api().get(path, token).bodyAsJsonObject().getJsonObject("state"))
        .isEqualTo(new JsonObject().put("step", 1));
    JsonObject fromStart = server.api().get(path + "/events?limit=10", token).bodyAsJsonObject();
    assertThat(seqs(fromStart)).as("from the start, out of PostgreSQL").containsExactly(1L, 2L, 3L, 4L);
    assertThat(ids(fromStart)).isEqualTo(ids);
    assertThat(fromStart.getBoolean("has_more")).isFalse();
    JsonObject afterTwo = server.api().get(path + "/events?after=" + ids.get(1), token).bodyAsJsonObject();
    assertThat(seqs(afterTwo)).containsExactly(3L, 4L);

    assertThat(server.api().post(path + "/events", token, new JsonObject().put("type", "tick")).statusCode())
        .isEqualTo(201);
    assertThat(seqs(server.api().get(path + "/events?limit=10", token).bodyAsJsonObject()))
        .as("PostgreSQL's history joined to what Redis holds now").containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(seqs(server.api().get(path + "/events?limit=2&after=" + ids.get(0), token).bodyAsJsonObject()))
        .containsExactly(2L, 3L);
    try (SseClient sse = server.stream(path + "/stream", token, ids.get(1))) {
      assertThat(IntStream.range(0, 3).mapToObj(i -> sse.next(5)).map(SseEvent::seq).toList())
          .as("a resume replays from PostgreSQL and Redis").containsExactly(3L, 4L, 5L);
    }
  }

  @Test
  void aDeleteAndACreateOfTheSameIdInOneBreathAreTwoLivesInPostgres() throws Exception {
    String tenant = tenant();
    String token = server.token("lives", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "twice"));
    assertThat(server.api().delete("/api/v1/workflows/twice", token).statusCode()).isEqualTo(204);
    server.api().create(token, new JsonObject().put("id", "twice"));
    server.api().post("/api/v1/workflows/twice/events", token, new JsonObject().put("type", "tick"));
    // both lives end at seq 2: wait for all four events, not for the first seq 2 to arrive
    var rows = io.flowcast.testsupport.Eventually.await("both lives flushed", java.time.Duration.ofSeconds(20),
        () -> db.sql("SELECT generation, seq, type FROM workflow_events WHERE tenant = $1 AND workflow_id = $2 "
            + "ORDER BY generation, seq", tenant, "twice"), r -> r.size() >= 4);
    assertThat(rows).extracting(r -> r.getString("type"))
        .containsExactly("workflow.created", "workflow.deleted", "workflow.created", "tick");
    assertThat(rows.get(0).getLong("generation")).isEqualTo(rows.get(1).getLong("generation"))
        .isLessThan(rows.get(2).getLong("generation"));
  }

  @Test
  void noIdOfAnAcknowledgedTailThatRedisLostIsHandedOutAgain() throws Exception {
    String heldPrefix = KEY_PREFIX + "held:";
    String tenant = tenant();
    String path = "/api/v1/workflows/r2";
    try (Databases held = new Databases(server.vertx(), heldPrefix)) {
      List<String> kept;
      try (TestServer fast = TestServer.start(TestServer.onRedisWithPg(heldPrefix))) {
        String token = fast.token("loss", tenant, TestServer.RW);
        fast.api().create(token, new JsonObject().put("id", "r2").put("state", new JsonObject().put("x", 0)));
        fast.api().post(path + "/events", token, new JsonObject().put("type", "tick"));
        held.awaitFlushed(tenant, "r2", 2);
        kept = ids(fast.api().get(path + "/events", token).bodyAsJsonObject());
      }
      // nothing more reaches PostgreSQL: the next changes are acknowledged from the write buffer only
      JsonObject heldBack = TestServer.onRedisWithPg(heldPrefix).put("flush.interval_ms", 600_000)
          .put("flush.threshold", 1_000_000);
      try (TestServer slow = TestServer.start(heldBack)) {
        String token = slow.token("loss", tenant, TestServer.RW);
        String lostEvent = slow.api().post(path + "/events", token, new JsonObject().put("type", "tick"))
            .bodyAsJsonObject().getString("id");
        assertThat(slow.api().patch(path, token, new JsonObject().put("state", new JsonObject().put("x", 1)), null)
            .statusCode()).isEqualTo(200);
        List<String> acknowledged = ids(slow.api().get(path + "/events", token).bodyAsJsonObject());
        assertThat(acknowledged).hasSize(4).contains(lostEvent);

        held.flushRedis(); // Redis loses everything, the write buffer included

        JsonObject back = slow.api().get(path, token).bodyAsJsonObject();
        assertThat(back.getJsonObject("state")).as("what PostgreSQL has").isEqualTo(new JsonObject().put("x", 0));
        assertThat(back.getLong("version")).as("past every version the lost tail can have handed out")
            .isEqualTo(1 + slow.config().flushBacklogMax());
        assertThat(slow.api().patch(path, token, new JsonObject().put("state", new JsonObject().put("x", 2)), "\"2\"")
            .statusCode()).as("If-Match with a version of the lost tail").isEqualTo(412);
        String next = slow.api().post(path + "/events", token, new JsonObject().put("type", "tick"))
            .bodyAsJsonObject().getString("id");
        assertThat(next).as("a new epoch: no id of the lost tail again").isNotIn(acknowledged)
            .endsWith("-3");
        JsonObject history = slow.api().get(path + "/events", token).bodyAsJsonObject();
        assertThat(ids(history)).containsExactly(kept.get(0), kept.get(1), next);
        JsonObject afterLost = slow.api().get(path + "/events?after=" + lostEvent, token).bodyAsJsonObject();
        assertThat(afterLost.getJsonArray("events")).as("a lost id is unknown, never a place in new events")
            .isEmpty();
        try (SseClient sse = slow.stream(path + "/stream", token, lostEvent)) {
          var reset = sse.next(5);
          assertThat(reset.event()).as("a client resuming from a lost id is told to reset").isEqualTo("reset");
          assertThat(reset.json().getString("reason")).as("the lost history's ids belong to another epoch")
              .isEqualTo("epoch changed");
        }
        try (SseClient sse = slow.stream(path + "/stream", token, kept.get(1))) {
          SseEvent replayed = sse.next(5);
          assertThat(replayed.id()).as("a flushed id resumes into the new epoch").isEqualTo(next);
        }
      }
    }
  }

  @Test
  void writeThroughLosesNothingAcknowledgedWhenRedisLosesEverything() throws Exception {
    String prefix = KEY_PREFIX + "through:";
    String tenant = tenant();
    String path = "/api/v1/workflows/wt";
    try (Databases own = new Databases(server.vertx(), prefix);
         TestServer through = TestServer.start(TestServer.onRedisWithPg(prefix)
             .put("persistence.mode", "write-through").put("flush.interval_ms", 600_000))) {
      String token = through.token("loss", tenant, TestServer.RW);
      through.api().create(token, new JsonObject().put("id", "wt").put("state", new JsonObject().put("n", 0)));
      for (int i = 1; i <= 5; i++) {
        assertThat(through.api().patch(path, token, new JsonObject().put("state", new JsonObject().put("n", i)), null)
            .statusCode()).isEqualTo(200);
        assertThat(through.api().post(path + "/events", token, new JsonObject().put("type", "tick")).statusCode())
            .isEqualTo(201);
      }

      own.flushRedis(); // no flush ran: every acknowledged change reached PostgreSQL before its answer

      JsonObject back = through.api().get(path, token).bodyAsJsonObject();
      assertThat(back.getJsonObject("state")).isEqualTo(new JsonObject().put("n", 5));
      assertThat(back.getLong("version")).isEqualTo(6);
      assertThat(seqs(through.api().get(path + "/events?limit=100", token).bodyAsJsonObject()))
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 11).boxed().toList());
    }
  }

  @Test
  void aStateChangeSetAsideAsUnwritableIsNeverHiddenBehindALaterEvent() throws Exception {
    String tenant = tenant();
    String token = server.token("loss", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "gap").put("state", new JsonObject().put("step", 1)));
    db.awaitFlushed(tenant, "gap", 1);
    long generation = db.sql("SELECT generation FROM workflows WHERE tenant = $1 AND id = $2", tenant, "gap")
        .get(0).getLong("generation");
    // seq 2 changed the state but PostgreSQL cannot take its snapshot (set aside); seq 3 is written
    buffer(tenant, generation, 2, "state.updated", "{\"status\":\"pending\",\"state\":");
    buffer(tenant, generation, 3, "tick", "");
    db.awaitFlushed(tenant, "gap", 3);
    assertThat(db.flushedSeqs(tenant, "gap")).containsExactly(1L, 3L);
    db.redis(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL)
        .arg(new io.flowcast.redis.RedisKeys(KEY_PREFIX).state(new io.flowcast.workflow.WorkflowKey(tenant, "gap")))
        .arg(new io.flowcast.redis.RedisKeys(KEY_PREFIX).mark(new io.flowcast.workflow.WorkflowKey(tenant, "gap"))));

    var read = server.api().get("/api/v1/workflows/gap", token);
    assertThat(read.statusCode()).as("the state PostgreSQL holds is older than its newest event: not served as "
        + "the workflow's").isEqualTo(503);
    assertThat(read.bodyAsJsonObject().getString("detail")).contains("misses events between seq 1 and 3");
    assertThat(server.api().post("/api/v1/workflows", token, new JsonObject().put("id", "gap")).statusCode())
        .as("nor is the id taken for a new life").isEqualTo(503);
  }

  /** Puts an entry in the write buffer as the scripts would, with the given snapshot text ('' = none). */
  private static void buffer(String tenant, long generation, long seq, String type, String snapshot) {
    String event = new JsonObject().put("id", generation + "-" + seq).put("seq", seq).put("version", 2)
        .put("workflow_id", "gap").put("type", type).put("data", new JsonObject()).putNull("parent_id")
        .put("metadata", new JsonObject()).put("actor", "someone").put("created_at", "2026-12-01T10:00:00.000Z")
        .encode();
    db.redis(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.XADD).arg(db.keys().outbox(
            new io.flowcast.workflow.WorkflowKey(tenant, "gap"))).arg("*").arg("w").arg(tenant + ":gap").arg("g").arg(generation).arg("e").arg(event).arg("r").arg("")
        .arg("s").arg(snapshot));
  }

  private static List<Long> seqs(JsonObject page) {
    return page.getJsonArray("events").stream().map(e -> ((JsonObject) e).getLong("seq")).toList();
  }

  private static List<String> ids(JsonObject page) {
    JsonArray events = page.getJsonArray("events");
    return events.stream().map(e -> ((JsonObject) e).getString("id")).toList();
  }
}
