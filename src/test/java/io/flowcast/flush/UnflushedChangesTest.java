package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workflow left Redis while some of its changes still wait in the write buffer: reading it back from
 * PostgreSQL must neither resurrect a deleted workflow nor reuse a seq that is still on its way.
 */
class UnflushedChangesTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(UnflushedChangesTest.class);
  @RegisterExtension
  static final Databases db = new Databases(KEY_PREFIX);

  /** A server whose flusher only runs when asked (FLUSH_NOW) or at shutdown. */
  private static TestServer slowFlusher() {
    return TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX).put("flush.interval_ms", 600_000)
        .put("flush.threshold", 1_000_000));
  }

  @Test
  void deleteThatIsNotFlushedYetIsNotUndoneByAReload() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestServer fast = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX))) {
      String token = fast.token("a", tenant, TestServer.RW);
      fast.api().create(token, new JsonObject().put("id", "gone"));
      db.awaitFlushed(tenant, "gone", 1);
    }
    try (TestServer slow = slowFlusher()) {
      String token = slow.token("a", tenant, TestServer.RW);
      assertThat(slow.api().delete("/api/v1/workflows/gone", token).statusCode()).isEqualTo(204);
      assertThat(db.flushedSeqs(tenant, "gone")).as("the delete is still buffered").containsExactly(1L);
      assertThat(slow.api().get("/api/v1/workflows/gone", token).statusCode()).isEqualTo(404);
      var again = slow.api().post("/api/v1/workflows", token, new JsonObject().put("id", "gone"));
      assertThat(again.statusCode()).as("a deleted id can be created again").isEqualTo(201);
      assertThat(again.bodyAsJsonObject().getLong("version")).isEqualTo(1);
    }
    var rows = db.sql("SELECT generation, deleted_at FROM workflows WHERE tenant = $1 AND id = 'gone'", tenant);
    assertThat(rows.get(0).getValue("deleted_at")).as("the new life is the live one").isNull();
    assertThat(db.sql("SELECT count(*) AS n FROM workflow_events WHERE tenant = $1 AND workflow_id = 'gone'", tenant)
        .get(0).getLong("n")).as("both lives are recorded: created + deleted, created").isEqualTo(3);
  }

  @Test
  void reloadWaitsForBufferedEventsInsteadOfReusingTheirSeqs() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestServer fast = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX))) {
      String token = fast.token("a", tenant, TestServer.RW);
      fast.api().create(token, new JsonObject().put("id", "brief").put("ttl_seconds", 2));
      db.awaitFlushed(tenant, "brief", 1);
    }
    try (TestServer slow = slowFlusher()) {
      String token = slow.token("a", tenant, TestServer.RW);
      var patched = slow.api().patch("/api/v1/workflows/brief", token,
          new JsonObject().put("state", new JsonObject().put("k", 1)), null);
      assertThat(patched.statusCode()).isEqualTo(200);
      Thread.sleep(3500); // untouched for longer than its TTL: its state expires from Redis
      int status = slow.api().get("/api/v1/workflows/brief", token).statusCode();
      assertThat(status).as("expired, with its patch still buffered: not served stale from PostgreSQL")
          .isEqualTo(503);
      var later = Eventually.await("the workflow served again", Duration.ofSeconds(10),
          () -> slow.api().get("/api/v1/workflows/brief", token), answer -> answer.statusCode() == 200);
      assertThat(later.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("k", 1));
      var next = slow.api().post("/api/v1/workflows/brief/events", token, new JsonObject().put("type", "after"));
      assertThat(next.statusCode()).isEqualTo(201);
      assertThat(next.bodyAsJsonObject().getLong("seq")).as("after created, patch, expired").isEqualTo(4);
    }
    assertThat(db.flushedSeqs(tenant, "brief")).containsExactly(1L, 2L, 3L, 4L);
  }
}
