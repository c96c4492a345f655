package io.flowcast.redis;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What Flowcast leaves in Redis: key names with the workflow's hash tag, hash fields, TTLs and expiry. */
class RedisLayoutTest {
  private static final String P = TestServer.RUN_PREFIX;
  @RegisterExtension
  static final StartedServer server = StartedServer.with(TestServer.onRedis().put("redis.stream_grace_seconds", 60));
  private static Redis redis;

  @BeforeAll
  static void connectRedis() {
    redis = Redis.createClient(server.vertx(), new RedisOptions().setConnectionString(TestServer.redisUrl())
        .setPreferredProtocolVersion(ProtocolVersion.RESP2));
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  private static Response redis(Request request) {
    return redis.send(request).await();
  }

  private static List<String> keysMatching(String pattern) {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response page = redis(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000));
      cursor = page.get(0).toString();
      page.get(1).forEach(k -> keys.add(k.toString()));
    } while (!cursor.equals("0"));
    return keys;
  }

  /** A workflow's key of {@code kind}: its shard's hash tag, then its tenant and id. */
  private static String key(String kind, String prefix, String tenant, String id) {
    int shard = new RedisKeys(prefix).shard(tenant + ":" + id);
    return prefix + "workflow:" + kind + ":{s" + shard + "}" + tenant + ":" + id;
  }

  @Test
  void everyKeyOfAWorkflowCarriesItsShardsHashTagThenItsTenantAndId() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("keys", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "wf-1").put("state", new JsonObject().put("x", 1))
        .put("ttl_seconds", 120));
    server.api().post("/api/v1/workflows/wf-1/events", token, new JsonObject().put("type", "note"));

    RedisKeys keys = new RedisKeys(P);
    WorkflowKey wf = new WorkflowKey(tenant, "wf-1");
    assertThat(keysMatching("*" + tenant + "*")).containsExactlyInAnyOrder(
        key("state", P, tenant, "wf-1"),
        key("events", P, tenant, "wf-1"),
        P + "workflow:index:{" + tenant + "}");
    // one slot for everything a script touches: the workflow's keys, its shard's write buffer and channel
    int slot = HashSlots.of(keys.state(wf));
    List<String> scriptKeys = new ArrayList<>(List.of(keys.events(wf), keys.mark(wf), keys.outbox(wf),
        keys.outboxBytes(keys.shard(wf.tag())), keys.channel(wf.tag())));
    scriptKeys.addAll(keys.sideKeys(wf));
    assertThat(scriptKeys).allSatisfy(k -> assertThat(HashSlots.of(k)).as(k).isEqualTo(slot));

    Response hash = redis(Request.cmd(Command.HGETALL).arg(key("state", P, tenant, "wf-1")));
    JsonObject fields = new JsonObject();
    for (int i = 0; i < hash.size(); i += 2) {
      fields.put(hash.get(i).toString(), hash.get(i + 1).toString());
    }
    assertThat(fields.fieldNames()).contains("status", "state", "metadata", "version", "created_at", "updated_at",
        "schema", "ttl", "last_id", "last_seq");
    assertThat(new JsonObject(fields.getString("state"))).isEqualTo(new JsonObject().put("x", 1));
    assertThat(fields.getString("last_seq")).isEqualTo("2");
    assertThat(redis(Request.cmd(Command.XLEN).arg(key("events", P, tenant, "wf-1"))).toLong()).isEqualTo(2);

    long stateTtl = redis(Request.cmd(Command.TTL).arg(key("state", P, tenant, "wf-1"))).toLong();
    long eventsTtl = redis(Request.cmd(Command.TTL).arg(key("events", P, tenant, "wf-1"))).toLong();
    long indexTtl = redis(Request.cmd(Command.TTL).arg(P + "workflow:index:{" + tenant + "}")).toLong();
    assertThat(stateTtl).isBetween(100L, 120L);
    // the log outlives the state by the grace, to announce expiry, and by up to a quarter of the TTL more
    // (refreshed once per that slack, not on every change: refresh_for in _lib.lua)
    assertThat(eventsTtl).as("the log outlives the state by the grace, to announce expiry").isBetween(160L, 210L);
    assertThat(indexTtl).isPositive();
  }

  @Test
  void everyInteractionRefreshesTheTtl() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("ttl", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "kept").put("ttl_seconds", 4));
    String key = key("state", P, tenant, "kept");
    Thread.sleep(2100);
    assertThat(redis(Request.cmd(Command.PTTL).arg(key)).toLong()).isLessThan(2000);
    assertThat(server.api().get("/api/v1/workflows/kept", token).statusCode()).isEqualTo(200);
    assertThat(redis(Request.cmd(Command.PTTL).arg(key)).toLong()).as("a read refreshed it").isGreaterThan(3000);
    Thread.sleep(2100);
    server.api().get("/api/v1/workflows/kept/events", token);
    assertThat(redis(Request.cmd(Command.PTTL).arg(key)).toLong()).as("a history read refreshed it")
        .isGreaterThan(3000);
    Thread.sleep(2100);
    server.api().patch("/api/v1/workflows/kept", token, new JsonObject().put("status", "running"), null);
    assertThat(redis(Request.cmd(Command.PTTL).arg(key)).toLong()).as("a write refreshed it").isGreaterThan(3000);
    assertThat(server.api().get("/api/v1/workflows/kept", token).statusCode())
        .as("alive 6 s after creation with a 4 s TTL").isEqualTo(200);
  }

  @Test
  void expiryIsAnnouncedToOpenStreamsAndTheWorkflowIsGone() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("expiry", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "brief").put("ttl_seconds", 1));
    try (SseClient sse = server.stream("/api/v1/workflows/brief/stream", token, null)) {
      sse.next("snapshot", 5);
      var expired = sse.next(10);
      assertThat(expired.event()).isEqualTo("workflow.expired");
      assertThat(expired.seq()).isEqualTo(2);
      assertThat(sse.awaitEnd(5)).isTrue();
      assertThat(sse.poll(200)).as("announced once").isNull();
    }
    assertThat(server.api().get("/api/v1/workflows/brief", token).statusCode()).isEqualTo(404);
    assertThat(keysMatching(P + "workflow:*}" + tenant + ":brief")).isEmpty();
    var list = server.api().get("/api/v1/workflows", token).bodyAsJsonObject();
    assertThat(list.getJsonArray("items")).isEmpty();
  }

  @Test
  void twoDeploymentsUnderTheirOwnKeyPrefixesShareOneRedisWithoutMeeting() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String blue = P + "blue:";
    String green = P + "green:";
    try (TestServer a = TestServer.start(TestServer.onRedis().put("redis.key_prefix", blue));
         TestServer b = TestServer.start(TestServer.onRedis().put("redis.key_prefix", green))) {
      String tokenA = a.token("keys", tenant, TestServer.RW);
      String tokenB = b.token("keys", tenant, TestServer.RW);
      assertThat(a.api().post("/api/v1/workflows", tokenA, new JsonObject().put("id", "same").put("state", new JsonObject().put("x", 1)))
          .statusCode()).isEqualTo(201);
      assertThat(b.api().post("/api/v1/workflows", tokenB, new JsonObject().put("id", "same").put("state", new JsonObject().put("x", 2)))
          .statusCode()).as("the same id is free in the other deployment").isEqualTo(201);
      try (SseClient sse = b.stream("/api/v1/workflows/same/stream", tokenB, null)) {
        sse.next("snapshot", 5);
        a.api().post("/api/v1/workflows/same/events", tokenA, new JsonObject().put("type", "blue.only"));
        b.api().post("/api/v1/workflows/same/events", tokenB, new JsonObject().put("type", "green.only"));
        assertThat(sse.next(5).event()).as("the other deployment's event never arrives").isEqualTo("green.only");
      }
      assertThat(a.api().get("/api/v1/workflows/same", tokenA).bodyAsJsonObject().getJsonObject("state").getInteger("x"))
          .isEqualTo(1);
      assertThat(keysMatching(key("state", blue, tenant, "same"))).hasSize(1);
      assertThat(keysMatching(key("state", green, tenant, "same"))).hasSize(1);
      assertThat(keysMatching("workflow:*}" + tenant + ":*")).as("nothing outside the prefixes").isEmpty();
    }
  }
}
