package io.flowcast.presence;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.FlowcastProcess;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence across instances on one Redis (docs/API.md, "Presence"): a stream with {@code ?presence=} on B is
 * a member listed on A, and its end a {@code presence.left} on A's stream; the watcher of an instance stopped
 * gracefully leaves at once; the watcher of an instance killed
 * with SIGKILL stays listed while its lease runs, and leaves (reason {@code expired}) once it has run out,
 * recorded by the sweep of the instance that lived on. A and B run on one {@link TestClock} the test moves
 * past the lease instead of waiting for it. The class has a key prefix of its own.
 */
class PresenceAcrossInstancesTest {
  private static final String PREFIX = TestServer.keyPrefix(PresenceAcrossInstancesTest.class);
  private static final long LEASE_MS = 60_000;
  private static final TestClock clock = new TestClock();
  private static TestServer a;
  private static TestServer b;

  private static JsonObject config() {
    return TestServer.onRedis().put("redis.key_prefix", PREFIX).put("presence.lease_ms", LEASE_MS)
        .put("presence.sweep_ms", 100);
  }

  @BeforeAll
  static void startTwo() {
    a = TestServer.start(config(), clock);
    b = TestServer.start(config(), clock); // one clock for the two, as instances with synchronized clocks
  }

  @AfterAll
  static void stopTwo() {
    b.close();
    a.close();
  }

  private static JsonArray members(Api api, String token, String id) {
    HttpResponse<Buffer> answer = api.get("/api/v1/workflows/" + id + "/presence", token);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    return answer.bodyAsJsonObject().getJsonArray("members");
  }

  private static SseClient watch(TestServer server, String token, String id) {
    SseClient watcher = server.stream("/api/v1/workflows/" + id + "/stream", token, null);
    assertThat(watcher.status()).isEqualTo(200);
    watcher.next("snapshot", 5);
    return watcher;
  }

  @Test
  void aStreamOnBIsListedOnAAndItsEndIsALeaveOnA() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String alice = a.token("alice", tenant, TestServer.RW);
    a.api().create(alice, new JsonObject().put("id", "doc"));
    try (SseClient watcher = watch(a, alice, "doc")) {
      SseClient bobs = b.stream("/api/v1/workflows/doc/stream?presence=typing", b.token("bob", tenant,
          "workflows:read"), null);
      assertThat(bobs.status()).isEqualTo(200);

      SseEvent joined = watcher.next("presence.joined", 5);
      assertThat(joined.json().getJsonObject("data")).isEqualTo(new JsonObject().put("subject", "bob")
          .put("status", "typing"));
      JsonArray onA = members(a.api(), alice, "doc");
      assertThat(onA).hasSize(1);
      assertThat(onA.getJsonObject(0).getString("subject")).isEqualTo("bob");
      assertThat(onA.getJsonObject(0).getString("status")).isEqualTo("typing");
      assertThat(members(b.api(), alice, "doc")).isEqualTo(onA);

      bobs.close();
      SseEvent left = watcher.next("presence.left", 5);
      assertThat(left.json().getJsonObject("data")).isEqualTo(new JsonObject().put("subject", "bob")
          .put("reason", "left"));
      assertThat(members(a.api(), alice, "doc")).isEmpty();
    }
  }

  @Test
  void theWatcherOfAnInstanceStoppedGracefullyLeavesAtOnce() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String alice = a.token("alice", tenant, TestServer.RW);
    a.api().create(alice, new JsonObject().put("id", "doc"));
    try (SseClient watcher = watch(a, alice, "doc");
         FlowcastProcess c = FlowcastProcess.start(a.vertx(), config())) {
      SseClient dans = SseClient.open(a.vertx(), c.port(), "/api/v1/workflows/doc/stream?presence=",
          a.token("dan", tenant, "workflows:read"), null);
      assertThat(dans.status()).isEqualTo(200);
      watcher.next("presence.joined", 10);

      assertThat(c.terminate(30)).as("exits on SIGTERM").isTrue();
      // its streams ended before it stopped: no waiting for the lease (A's clock does not move)
      SseEvent left = watcher.next("presence.left", 5);
      assertThat(left.json().getJsonObject("data")).isEqualTo(new JsonObject().put("subject", "dan")
          .put("reason", "left"));
      assertThat(members(a.api(), alice, "doc")).isEmpty();
    }
  }

  @Test
  void theWatcherOfAKilledInstanceLeavesWhenItsLeaseRunsOut() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String alice = a.token("alice", tenant, TestServer.RW);
    a.api().create(alice, new JsonObject().put("id", "doc"));
    try (SseClient watcher = watch(a, alice, "doc");
         FlowcastProcess c = FlowcastProcess.start(a.vertx(), config())) {
      SseClient carols = SseClient.open(a.vertx(), c.port(), "/api/v1/workflows/doc/stream?presence=working",
          a.token("carol", tenant, "workflows:read"), null);
      assertThat(carols.status()).isEqualTo(200);
      assertThat(watcher.next("presence.joined", 10).json().getJsonObject("data").getString("subject"))
          .isEqualTo("carol");

      c.kill();
      assertThat(carols.awaitEnd(10)).as("its connection dropped with it").isTrue();
      assertThat(members(a.api(), alice, "doc")).as("listed while its lease runs").hasSize(1);
      assertThat(watcher.poll(300)).as("no leave before the lease ran out").isNull();

      // A's clock to a second past the lease (C renewed it by the wall clock, last before the kill)
      clock.advance(Duration.between(clock.instant(), java.time.Instant.now()).plusMillis(LEASE_MS + 1000));
      // nothing names the workflow: A's sweep finds the lease that ran out
      SseEvent left = watcher.next("presence.left", 5);
      assertThat(left.json().getJsonObject("data")).isEqualTo(new JsonObject().put("subject", "carol")
          .put("reason", "expired"));
      assertThat(left.json().getString("actor")).isEqualTo("system");
      assertThat(members(a.api(), alice, "doc")).isEmpty();
    }
  }
}
