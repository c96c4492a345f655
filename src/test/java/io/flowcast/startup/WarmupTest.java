package io.flowcast.startup;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code startup.warmup}: /ready turns 200 only once the warm-up ran, the warm-up's workflows are gone
 * afterwards (from Redis at once, from PostgreSQL once flushed), and a user's workflow written meanwhile is
 * untouched.
 */
class WarmupTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(WarmupTest.class);
  @RegisterExtension
  static final Databases db = new Databases(KEY_PREFIX);

  @Test
  void readyOnlyAfterTheWarmUpWhichLeavesNothingBehindOnRedisAndPostgres() {
    try (TestServer server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX).put("startup.warmup", 300)
        .put("startup.warmup_max_ms", 8000))) {
      // a user writes as soon as the server listens, during the warm-up
      String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
      String user = server.token("user", tenant, TestServer.RW);
      HttpResponse<Buffer> first = server.api().get("/ready", null);
      if (first.statusCode() == 503) {
        assertThat(first.bodyAsJsonObject().getJsonObject("checks").getJsonObject("warmup").getString("status"))
            .isEqualTo("down");
      }
      assertThat(server.api().post("/api/v1/workflows", user, new JsonObject().put("id", "mine")).statusCode())
          .isEqualTo(201);
      JsonObject ready = Eventually.await("/ready 200 after the warm-up", Duration.ofSeconds(60),
          () -> server.api().get("/ready", null), r -> r.statusCode() == 200).bodyAsJsonObject();
      JsonObject warmup = ready.getJsonObject("warmup");
      assertThat(warmup.getLong("failed")).isZero();
      assertThat(warmup.getInteger("passes")).isPositive();
      assertThat(warmup.getLong("requests")).as("300 edits plus each session's create, stream, reads, delete")
          .isGreaterThan(300);

      String scratch = server.token("auditor", Warmup.TENANT, TestServer.RW);
      // a workflow deleted before PostgreSQL has its last changes can be read back from there for a moment
      // (seen: listed, while GET answers 404, until the flusher catches up), so this waits for the flush
      Eventually.until("the warm-up's workflows deleted", Duration.ofSeconds(30), () ->
          server.api().get("/api/v1/workflows", scratch).bodyAsJsonObject().getJsonArray("items").isEmpty());
      Eventually.until("the warm-up's ids gone from the scratch tenant's index", Duration.ofSeconds(30), () ->
          db.redis(Request.cmd(Command.ZCARD).arg(db.keys().tenantIndex(Warmup.TENANT))).toLong() == 0);
      Eventually.until("the warm-up's rows gone from PostgreSQL", Duration.ofSeconds(30), () ->
          db.sql("SELECT count(*) AS n FROM workflow_events WHERE tenant = $1", Warmup.TENANT).get(0).getLong("n") == 0
              && db.sql("SELECT count(*) AS n FROM audit_log WHERE tenant = $1", Warmup.TENANT).get(0).getLong("n") == 0
              && db.sql("SELECT count(*) AS n FROM workflows WHERE tenant = $1", Warmup.TENANT).get(0).getLong("n") == 0);

      assertThat(server.api().get("/api/v1/workflows/mine", user).statusCode()).isEqualTo(200);
      Eventually.until("the user's workflow flushed and kept", Duration.ofSeconds(20), () ->
          db.sql("SELECT count(*) AS n FROM workflows WHERE tenant = $1 AND id = 'mine'", tenant).get(0).getLong("n") == 1);
    }
  }

  @Test
  void inMemoryTheWarmUpRunsAndTheInstanceBecomesReady() {
    try (TestServer server = TestServer.start(new JsonObject().put("startup.warmup", 100)
        .put("startup.warmup_max_ms", 5000))) {
      JsonObject ready = Eventually.await("/ready 200 after the warm-up", Duration.ofSeconds(60),
          () -> server.api().get("/ready", null), r -> r.statusCode() == 200).bodyAsJsonObject();
      assertThat(ready.getJsonObject("warmup").getLong("failed")).isZero();
      assertThat(ready.getJsonObject("checks").getJsonObject("warmup").getString("status")).isEqualTo("up");
      String scratch = server.token("auditor", Warmup.TENANT, TestServer.RW);
      assertThat(server.api().get("/api/v1/workflows", scratch).bodyAsJsonObject().getJsonArray("items")).isEmpty();
    }
  }

  @Test
  void withoutWarmUpThereIsNoWarmUpCheck() {
    try (TestServer server = TestServer.start(new JsonObject().put("startup.warmup", 0))) {
      JsonObject ready = server.api().get("/ready", null).bodyAsJsonObject();
      assertThat(ready.getBoolean("ready")).isTrue();
      assertThat(ready.getJsonObject("checks").containsKey("warmup")).isFalse();
    }
  }
}
