package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL behind Redis: what left Redis is read back from PostgreSQL, and old history is served from it. */
class CacheAsideTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(CacheAsideTest.class);
  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(KEY_PREFIX);
  @RegisterExtension
  @Order(2)
  static final StartedServer server =
      StartedServer.with(TestServer.onRedisWithPg(KEY_PREFIX).put("events.retention_max", 10));

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void workflowThatExpiredFromRedisIsReadBackFromPostgresAndLivesOn() throws Exception {
    String tenant = tenant();
    String token = server.token("reader", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "sleeper").put("ttl_seconds", 1)
        .put("state", new JsonObject().put("step", 1)));
    server.api().patch("/api/v1/workflows/sleeper", token,
        new JsonObject().put("state", new JsonObject().put("step", 2)), null);
    db.awaitFlushed(tenant, "sleeper", 2);
    String stateKey = new io.flowcast.redis.RedisKeys(KEY_PREFIX).state(new io.flowcast.workflow.WorkflowKey(tenant, "sleeper"));
    Eventually.until("the workflow expired from Redis", Duration.ofSeconds(10),
        () -> db.redis(Request.cmd(Command.EXISTS).arg(stateKey)).toInteger() == 0);
    db.awaitFlushed(tenant, "sleeper", 3); // workflow.expired is part of the record

    var read = server.api().get("/api/v1/workflows/sleeper", token);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("step", 2));
    assertThat(read.bodyAsJsonObject().getLong("version")).isEqualTo(2);
    assertThat(db.redis(Request.cmd(Command.EXISTS).arg(stateKey)).toInteger()).as("put back into Redis").isOne();

    var patched = server.api().patch("/api/v1/workflows/sleeper", token,
        new JsonObject().put("state", new JsonObject().put("step", 3)), "\"2\"");
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(patched.bodyAsJsonObject().getLong("version")).isEqualTo(3);
    db.awaitFlushed(tenant, "sleeper", 4);
    assertThat(db.flushedSeqs(tenant, "sleeper")).containsExactly(1L, 2L, 3L, 4L);
    var history = server.api().get("/api/v1/workflows/sleeper/events", token).bodyAsJsonObject();
    assertThat(history.getJsonArray("events").stream().map(e -> ((JsonObject) e).getLong("seq")).toList())
        .as("history from the start: PostgreSQL's before the reload, joined to Redis's after it")
        .containsExactly(1L, 2L, 3L, 4L);
    assertThat(history.getJsonArray("events").getJsonObject(0).getString("type")).isEqualTo("workflow.created");

    assertThat(server.api().post("/api/v1/workflows", token, new JsonObject().put("id", "sleeper")).statusCode())
        .as("an id that lives on in PostgreSQL is taken").isEqualTo(409);
  }

  @Test
  void resumeFromAnEventOlderThanTheRedisRetentionReplaysFromPostgres() throws Exception {
    String tenant = tenant();
    String token = server.token("reader", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "long"));
    String firstId = server.api().get("/api/v1/workflows/long/events?limit=1", token).bodyAsJsonObject()
        .getJsonArray("events").getJsonObject(0).getString("id");
    int events = 300;
    for (int i = 0; i < events; i++) {
      assertThat(server.api().post("/api/v1/workflows/long/events", token,
          new JsonObject().put("type", "tick").put("data", i)).statusCode()).isEqualTo(201);
    }
    long last = events + 1;
    db.awaitFlushed(tenant, "long", last);
    long retained = db.redis(Request.cmd(Command.XLEN).arg(new io.flowcast.redis.RedisKeys(KEY_PREFIX)
        .events(new io.flowcast.workflow.WorkflowKey(tenant, "long")))).toLong();
    assertThat(retained).as("Redis trimmed the stream, and still has it").isLessThan(last).isPositive();

    try (SseClient sse = server.stream("/api/v1/workflows/long/stream", token, firstId)) {
      for (long expected = 2; expected <= last; expected++) {
        SseEvent event = sse.next(10);
        assertThat(event.event()).isNotEqualTo("reset");
        assertThat(event.seq()).isEqualTo(expected);
      }
      server.api().post("/api/v1/workflows/long/events", token, new JsonObject().put("type", "after"));
      SseEvent live = sse.next(5);
      assertThat(live.seq()).isEqualTo(last + 1);
      assertThat(live.event()).isEqualTo("after");
    }

    var page = server.api().get("/api/v1/workflows/long/events?after=" + firstId + "&limit=50", token)
        .bodyAsJsonObject();
    assertThat(page.getJsonArray("events")).hasSize(50);
    assertThat(page.getJsonArray("events").getJsonObject(0).getLong("seq")).isEqualTo(2);
    assertThat(page.getBoolean("has_more")).isTrue();
  }

  @Test
  void listingIsServedFromPostgres() throws Exception {
    String tenant = tenant();
    String token = server.token("lister", tenant, TestServer.RW);
    for (int i = 0; i < 5; i++) {
      server.api().create(token, new JsonObject().put("id", "item-" + i)
          .put("status", i % 2 == 0 ? "running" : "pending"));
    }
    for (int i = 0; i < 5; i++) {
      db.awaitFlushed(tenant, "item-" + i, 1);
    }
    db.redis(Request.cmd(Command.DEL).arg(KEY_PREFIX + "workflow:index:{" + tenant + "}"));
    var running = server.api().get("/api/v1/workflows?status=running&limit=2", token).bodyAsJsonObject();
    assertThat(running.getJsonArray("items")).hasSize(2);
    assertThat(running.getString("next_cursor")).isNotNull();
    var rest = server.api().get("/api/v1/workflows?status=running&limit=2&cursor=" + running.getString("next_cursor"),
        token).bodyAsJsonObject();
    assertThat(rest.getJsonArray("items")).hasSize(1);
    assertThat(rest.getString("next_cursor")).isNull();
    assertThat(server.api().delete("/api/v1/workflows/item-0", token).statusCode()).isEqualTo(204);
    db.awaitFlushed(tenant, "item-0", 2);
    var all = server.api().get("/api/v1/workflows?limit=10", token).bodyAsJsonObject();
    assertThat(all.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactly("item-4", "item-3", "item-2", "item-1");
  }
}
