package io.flowcast.actions;

import io.flowcast.redis.RedisClients;
import io.flowcast.redis.RedisKeys;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Workers on two instances sharing one Redis: every action is completed exactly once, leases hand work on. */
class ActionsAcrossInstancesTest {
  private static final RedisKeys KEYS = new RedisKeys(TestServer.RUN_PREFIX);
  private static final String WF = "/api/v1/workflows/jobs";
  @RegisterExtension
  static final StartedServer a = StartedServer.onRedis();
  @RegisterExtension
  static final StartedServer b = StartedServer.onRedis();
  private static Redis redis;
  private static final ExecutorService pool = Executors.newFixedThreadPool(6);

  @BeforeAll
  static void connectRedis() {
    redis = RedisClients.pooled(a.vertx(), TestServer.redisUrl(), 2, 2000);
  }

  @AfterAll
  static void disconnect() {
    pool.shutdownNow();
    redis.close();
  }

  @Test
  void threeWorkersOnTwoInstancesCompleteEachOfAThousandActionsExactlyOnce() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = a.token("agents", tenant, TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "jobs"));
    List<Future<?>> enqueuing = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      StartedServer on = t % 2 == 0 ? a : b;
      enqueuing.add(pool.submit(() -> {
        for (int i = 0; i < 250; i++) {
          assertThat(on.api().post(WF + "/actions", token, new JsonObject().put("type", "job").put("payload", i))
              .statusCode()).isEqualTo(201);
        }
        return null;
      }));
    }
    for (Future<?> f : enqueuing) {
      f.get(60, TimeUnit.SECONDS);
    }
    Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();

    List<Future<Integer>> workers = List.of(
        pool.submit(() -> work(List.of(a), "w1", token, completions)),
        pool.submit(() -> work(List.of(b), "w2", token, completions)),
        pool.submit(() -> work(List.of(a, b), "w3", token, completions)));
    int total = 0;
    for (Future<Integer> w : workers) {
      int done = w.get(120, TimeUnit.SECONDS);
      assertThat(done).as("every worker got work").isPositive();
      total += done;
    }

    assertThat(total).isEqualTo(1000);
    assertThat(completions).hasSize(1000);
    assertThat(completions.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    Map<String, Integer> completedEvents = new HashMap<>();
    for (JsonObject e : events(token)) {
      if (e.getString("type").equals("action.completed")) {
        completedEvents.merge(e.getJsonObject("data").getString("id"), 1, Integer::sum);
      }
    }
    assertThat(completedEvents.keySet()).isEqualTo(completions.keySet());
    assertThat(completedEvents.values()).containsOnly(1);
    assertQueueDrained(tenant);
  }

  @Test
  void actionsOfAWorkerThatDiedHoldingLeasesAreHandedOutAgainAfterTheLease() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = a.token("agents", tenant, TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "jobs"));
    for (int i = 0; i < 6; i++) {
      assertThat(a.api().post(WF + "/actions", token, new JsonObject().put("type", "job").put("payload", i))
          .statusCode()).isEqualTo(201);
    }
    Set<String> held = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 3; i++) {
      held.add(claim(a, "dying", 1, token).bodyAsJsonObject().getString("id"));
    }
    Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();

    // the dying worker's three come back to the queue as their leases of a second run out
    Eventually.await("six actions completed", Duration.ofSeconds(15), () -> {
      work(List.of(b), "survivor", token, completions);
      return completions.size();
    }, n -> n >= 6);

    assertThat(completions).hasSize(6).containsKeys(held.toArray(String[]::new));
    assertThat(completions.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    List<JsonObject> reclaims = events(token).stream().filter(e -> e.getString("type").equals("action.claimed")
        && "dying".equals(e.getJsonObject("data").getString("previous_worker"))).toList();
    assertThat(reclaims).extracting(e -> e.getJsonObject("data").getString("id"))
        .containsExactlyInAnyOrderElementsOf(held);
    String late = held.iterator().next();
    assertThat(a.api().post(WF + "/actions/" + late + "/complete", token,
        new JsonObject().put("worker", "dying").put("result", "late")).statusCode()).isEqualTo(409);
    assertQueueDrained(tenant);
  }

  @Test
  void theQueueKeysCarryTheWorkflowsHashTagAndTtl() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = a.token("agents", tenant, TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "jobs").put("ttl_seconds", 60));
    a.api().post(WF + "/actions", token, new JsonObject().put("type", "job"));
    a.api().post(WF + "/actions", token, new JsonObject().put("type", "job"));
    claim(b, "w1", 30, token);

    WorkflowKey key = new WorkflowKey(tenant, "jobs");
    for (String name : List.of(KEYS.actions(key), KEYS.queue(key), KEYS.leases(key))) {
      // the workflow's shard tag, then the workflow: one hash slot for all its keys
      assertThat(name).matches(".*\\{s[0-9]+\\}" + tenant + ":jobs:?.*")
          .contains(RedisKeys.shardTag(KEYS.shard(key.tag())) + tenant + ":jobs");
      // the workflow's TTL, and up to a quarter more (side keys are refreshed once per that slack)
      assertThat(redis.send(Request.cmd(Command.TTL).arg(name)).await().toLong()).as(name).isBetween(50L, 75L);
    }
  }

  /** Claims and completes until nothing is left; returns how many this worker completed. */
  private static int work(List<StartedServer> instances, String worker, String token,
      Map<String, AtomicInteger> completions) {
    int done = 0;
    for (int i = 0; ; i++) {
      StartedServer on = instances.get(i % instances.size());
      HttpResponse<Buffer> claimed = claim(on, worker, 30, token);
      if (claimed.statusCode() == 204) {
        return done;
      }
      assertThat(claimed.statusCode()).as(claimed.bodyAsString()).isEqualTo(200);
      String id = claimed.bodyAsJsonObject().getString("id");
      HttpResponse<Buffer> completed = on.api().post(WF + "/actions/" + id + "/complete", token,
          new JsonObject().put("worker", worker).put("result", worker));
      assertThat(completed.statusCode()).as(completed.bodyAsString()).isEqualTo(200);
      completions.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      done++;
    }
  }

  private static HttpResponse<Buffer> claim(StartedServer on, String worker, int leaseSeconds, String token) {
    return on.api().post(WF + "/actions/claim", token, new JsonObject().put("worker", worker)
        .put("lease_seconds", leaseSeconds));
  }

  private static List<JsonObject> events(String token) {
    List<JsonObject> all = new ArrayList<>();
    String after = null;
    do {
      JsonObject page = b.api().get(WF + "/events?limit=1000" + (after == null ? "" : "&after=" + after), token)
          .bodyAsJsonObject();
      JsonArray events = page.getJsonArray("events");
      events.forEach(e -> all.add((JsonObject) e));
      after = page.getString("next_after");
    } while (after != null);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).getLong("seq")).isEqualTo(i + 1);
    }
    return all;
  }

  /** Nothing is left in the stream, nothing pending in the group, and no worker lingers in it. */
  private static void assertQueueDrained(String tenant) {
    String queue = KEYS.queue(new WorkflowKey(tenant, "jobs"));
    assertThat(redis.send(Request.cmd(Command.XLEN).arg(queue)).await().toLong()).isZero();
    assertThat(redis.send(Request.cmd(Command.XPENDING).arg(queue).arg("workers")).await().get(0).toLong()).isZero();
    assertThat(redis.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(queue).arg("workers")).await().size())
        .isZero();
    assertThat(redis.send(Request.cmd(Command.ZCARD).arg(KEYS.leases(new WorkflowKey(tenant, "jobs"))))
        .await().toLong()).isZero();
  }
}
