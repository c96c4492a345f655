package io.flowcast.redis;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.TestServer;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only the state hash's TTL is refreshed exactly on every interaction; the event stream, the side keys and
 * the mark are refreshed lazily (refresh_for in _lib.lua). Whatever writes them, no key of a workflow is ever
 * without a TTL, none of them runs out before the state, and the event stream outlives it by the grace.
 * With persistence (the mark), on Redis's own clock: short TTLs and real time. On a Redis of its own: Redis
 * finds a key that ran out by sampling the keys with a TTL (or when it is read), so among the many long-lived
 * keys of a shared test Redis a workflow can outlive its TTL by minutes.
 */
class WorkflowKeyTtlTest {
  private static final String P = TestServer.keyPrefix(WorkflowKeyTtlTest.class);
  private static final int GRACE = 30;
  private static final RedisKeys KEYS = new RedisKeys(P);
  /** The PTTL of each key, read in one step (so no refresh falls between two of them). */
  private static final String PTTLS = "local t = {} for i, k in ipairs(KEYS) do t[i] = redis.call('PTTL', k) end return t";
  private static RedisProcess redisServer;
  private static TestServer server;
  private static Redis redis;

  @BeforeAll
  static void start() throws Exception {
    redisServer = new RedisProcess().withoutAppendOnlyFile().start();
    server = TestServer.start(TestServer.onRedisWithPg(P).put("redis.url", redisServer.url())
        .put("redis.stream_grace_seconds", GRACE));
    redis = Redis.createClient(server.vertx(), new RedisOptions().setConnectionString(redisServer.url())
        .setPreferredProtocolVersion(ProtocolVersion.RESP2));
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close();
    server.close();
    redisServer.close();
  }

  @Test
  void afterEveryKindOfWriteEveryKeyOfTheWorkflowHasATtlAndNoneRunsOutBeforeTheState() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("alice", tenant, TestServer.RW);
    String wf = "/api/v1/workflows/doc";
    WorkflowKey key = new WorkflowKey(tenant, "doc");
    server.api().create(token, new JsonObject().put("id", "doc").put("ttl_seconds", 3600)
        .put("state", new JsonObject().put("sections", new JsonObject().put("intro", "v1"))));
    assertTtls(key, "create");

    assertThat(server.api().send(HttpMethod.PUT, wf + "/drafts/intro", token, Buffer.buffer(new JsonObject()
        .put("raw_draft", "v2").put("diff_summary", "+v2").encode()), "application/json").statusCode()).isEqualTo(200);
    assertTtls(key, "a draft (the drafts hash is new)");
    assertThat(server.api().post(wf + "/drafts/intro/commit", token, null).statusCode()).isEqualTo(200);
    assertTtls(key, "a commit");
    assertThat(server.api().post(wf + "/snapshots", token, new JsonObject().put("label", "v2")).statusCode())
        .isEqualTo(201);
    assertTtls(key, "a snapshot (the snapshots hash is new)");
    assertThat(server.api().patch(wf, token, new JsonObject().put("state", new JsonObject()
        .put("sections", new JsonObject().put("intro", "v3"))), null).statusCode()).isEqualTo(200);
    assertTtls(key, "a patch of a section (recorded in the drafts hash)");

    String job = server.api().post(wf + "/actions", token, new JsonObject().put("type", "job"))
        .bodyAsJsonObject().getString("id");
    assertTtls(key, "an action queued (queue and actions are new)");
    assertThat(server.api().post(wf + "/actions/claim", token, new JsonObject().put("worker", "w1")).statusCode())
        .isEqualTo(200);
    assertTtls(key, "a claim (the leases set is new)");
    assertThat(server.api().post(wf + "/actions/" + job + "/heartbeat", token, new JsonObject().put("worker", "w1"))
        .statusCode()).isEqualTo(200);
    assertTtls(key, "a heartbeat");
    assertThat(server.api().post(wf + "/actions/" + job + "/fail", token, new JsonObject().put("worker", "w1")
        .put("error", "busy").put("retry", true)).statusCode()).isEqualTo(200);
    assertTtls(key, "a retry");
    server.api().post(wf + "/actions/claim", token, new JsonObject().put("worker", "w2"));
    assertThat(server.api().post(wf + "/actions/" + job + "/complete", token, new JsonObject().put("worker", "w2")
        .put("result", 1)).statusCode()).isEqualTo(200);
    assertTtls(key, "a completion (the leases set emptied)");

    String ask = server.api().post(wf + "/interrupts", token, new JsonObject().put("kind", "approve")
        .put("prompt", "ok?")).bodyAsJsonObject().getString("id");
    assertTtls(key, "an interrupt (the interrupts hash is new)");
    assertThat(server.api().post(wf + "/interrupts/" + ask + "/resolve", token, new JsonObject().put("value", "yes"))
        .statusCode()).isEqualTo(200);
    assertTtls(key, "an answer");

    assertThat(server.api().post(wf + "/outputs/reply/append", token, new JsonObject().put("text", "he"))
        .statusCode()).isEqualTo(200);
    assertTtls(key, "an output's first chunk (the outputs hash is new)");
    server.api().post(wf + "/outputs/reply/append", token, new JsonObject().put("text", "llo"));
    assertThat(server.api().post(wf + "/outputs/reply/close", token, null).statusCode()).isEqualTo(200);
    assertThat(server.api().post(wf + "/outputs/empty/close", token, null).statusCode()).isEqualTo(200);
    assertTtls(key, "outputs closed");

    assertThat(server.api().send(HttpMethod.PUT, wf + "/presence", token, Buffer.buffer("{}"), "application/json")
        .statusCode()).isEqualTo(200);
    assertThat(server.api().post(wf + "/events", token, new JsonObject().put("type", "note")).statusCode())
        .isEqualTo(201);
    assertThat(server.api().get(wf, token).statusCode()).isEqualTo(200);
    assertTtls(key, "presence, an event and a read");
    assertThat(keysOf(key)).as("every side key was written").contains(KEYS.drafts(key), KEYS.snapshots(key),
        KEYS.actions(key), KEYS.queue(key), KEYS.interrupts(key), KEYS.outputs(key), KEYS.mark(key));
  }

  @Test
  void aChangeRefreshesTheStatesTtlWhileTheOtherKeysKeepTheirsUntilTheyNeedMore() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("alice", tenant, TestServer.RW);
    WorkflowKey key = new WorkflowKey(tenant, "steady");
    server.api().create(token, new JsonObject().put("id", "steady").put("ttl_seconds", 3600));
    Map<String, Long> before = pttls(List.of(KEYS.events(key), KEYS.state(key)));
    Thread.sleep(1100);
    server.api().patch("/api/v1/workflows/steady", token, new JsonObject().put("state", new JsonObject().put("n", 1)),
        null);
    Map<String, Long> after = pttls(List.of(KEYS.events(key), KEYS.state(key)));
    assertThat(after.get(KEYS.state(key))).as("the state's TTL starts again").isGreaterThan(3_598_000L);
    assertThat(after.get(KEYS.events(key))).as("the stream's is left to run (it has a minute in hand)")
        .isLessThan(before.get(KEYS.events(key)) - 1000)
        .isGreaterThanOrEqualTo(after.get(KEYS.state(key)) + GRACE * 1000L);
  }

  @Test
  void underSteadyChangesTheSideKeysLiveAsLongAsTheStateAndGoWithIt() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("alice", tenant, TestServer.RW);
    String wf = "/api/v1/workflows/busy";
    WorkflowKey key = new WorkflowKey(tenant, "busy");
    // a 4 s TTL: the other keys get a second more (a quarter), so they are refreshed about every second
    server.api().create(token, new JsonObject().put("id", "busy").put("ttl_seconds", 4));
    server.api().send(HttpMethod.PUT, wf + "/drafts/intro", token, Buffer.buffer(new JsonObject()
        .put("raw_draft", "x").put("diff_summary", "+x").encode()), "application/json");
    server.api().post(wf + "/actions", token, new JsonObject().put("type", "job"));
    server.api().post(wf + "/interrupts", token, new JsonObject().put("kind", "approve").put("prompt", "ok?"));
    server.api().post(wf + "/outputs/reply/append", token, new JsonObject().put("text", "hi"));
    List<String> sides = List.of(KEYS.drafts(key), KEYS.actions(key), KEYS.queue(key), KEYS.interrupts(key),
        KEYS.outputs(key));

    long until = System.currentTimeMillis() + 10_000; // two and a half TTLs
    for (int i = 0; System.currentTimeMillis() < until; i++) {
      HttpMethod method = i % 2 == 0 ? HttpMethod.PATCH : HttpMethod.POST;
      JsonObject body = i % 2 == 0 ? new JsonObject().put("state", new JsonObject().put("n", i))
          : new JsonObject().put("type", "tick");
      int status = server.api().send(method, i % 2 == 0 ? wf : wf + "/events", token, Buffer.buffer(body.encode()),
          "application/json").statusCode();
      assertThat(status).as("change %d", i).isIn(200, 201);
      assertTtls(key, "change " + i);
      Thread.sleep(150);
    }
    assertThat(keysOf(key)).as("the side keys lived on with the state").containsAll(sides);

    Eventually.await("the workflow expired with every key the scripts drop", Duration.ofSeconds(15),
        () -> keysOf(key), left -> left.isEmpty() || left.equals(List.of(KEYS.mark(key))));
  }

  /**
   * Every key of the workflow (under its tag: state, stream, mark, side keys, presence) has a TTL; the
   * stream's is at least the state's and the grace, and every other key's at least the state's.
   */
  private static void assertTtls(WorkflowKey key, String after) {
    List<String> names = keysOf(key);
    names.remove(KEYS.state(key));
    names.add(KEYS.state(key)); // read last: so its own PTTL is no later than the others' were
    Map<String, Long> ttl = pttls(names);
    long state = ttl.get(KEYS.state(key));
    assertThat(state).as("the state's TTL after %s", after).isPositive();
    ttl.forEach((name, left) -> {
      assertThat(left).as("the TTL of %s after %s", name, after).isPositive();
      long least = name.equals(KEYS.events(key)) ? state + GRACE * 1000L : state;
      assertThat(left).as("%s after %s outlives the state", name, after).isGreaterThanOrEqualTo(least);
    });
  }

  private static Map<String, Long> pttls(List<String> names) {
    Request eval = Request.cmd(Command.EVAL).arg(PTTLS).arg(names.size());
    names.forEach(eval::arg);
    Response r = redis.send(eval).await();
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), r.get(i).toLong());
    }
    return out;
  }

  private static List<String> keysOf(WorkflowKey key) {
    String tagged = KEYS.state(key).substring(KEYS.state(key).indexOf('{'));
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(P + "workflow:*:" + tagged)
          .arg("COUNT").arg(1000)).await();
      cursor = page.get(0).toString();
      page.get(1).forEach(k -> keys.add(k.toString()));
    } while (!cursor.equals("0"));
    return keys;
  }
}
