package io.flowcast.instances;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.FlowcastProcess;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instances on one Redis (with PostgreSQL) see each other in {@code GET /api/v1/system/instances}: each
 * with its own stream count, an instance stopped gracefully is gone at once, and a killed one drops off
 * within one TTL. The class has a key prefix of its own, so the registry holds only its instances.
 */
class InstancesAcrossInstancesTest {
  private static final String PREFIX = TestServer.keyPrefix(InstancesAcrossInstancesTest.class);
  private static final String PATH = "/api/v1/system/instances";
  private static final long HEARTBEAT_MS = 200;
  private static final long TTL_MS = 1500;
  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(PREFIX);
  private static TestServer a;
  private static TestServer b;
  private static String operator;

  /** The class's configuration; {@code ttlMs} long where only a removal (not an expiry) may end a record. */
  private static JsonObject config(String id, long ttlMs) {
    return TestServer.onRedisWithPg(PREFIX).put("instance.id", id).put("registry.heartbeat_ms", HEARTBEAT_MS)
        .put("registry.ttl_ms", ttlMs);
  }

  @BeforeAll
  static void startTwo() {
    a = TestServer.start(config("fc-a", TTL_MS));
    b = TestServer.start(config("fc-b", TTL_MS));
    operator = a.token("ops", "default", "flowcast:admin");
  }

  @AfterAll
  static void stopTwo() {
    b.close();
    a.close();
  }

  private static Map<String, JsonObject> listed(Api api) {
    HttpResponse<Buffer> answer = api.get(PATH, operator);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    JsonArray instances = answer.bodyAsJsonObject().getJsonArray("instances");
    Map<String, JsonObject> byId = new HashMap<>();
    instances.forEach(i -> byId.put(((JsonObject) i).getString("id"), (JsonObject) i));
    return byId;
  }

  @Test
  void twoInstancesOnOneRedisAreBothListedWithTheirOwnStreamCounts() throws Exception {
    String token = a.token("alice", "t-" + UUID.randomUUID().toString().substring(0, 8), TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "shared"));
    String stream = "/api/v1/workflows/shared/stream";
    try (SseClient a1 = a.stream(stream, token, null); SseClient a2 = a.stream(stream, token, null);
         SseClient b1 = b.stream(stream, token, null)) {
      for (SseClient sse : new SseClient[] {a1, a2, b1}) {
        sse.next("snapshot", 5);
      }

      Map<String, JsonObject> seen = Eventually.await("A with 2 streams and B with 1", Duration.ofSeconds(5),
          () -> listed(b.api()), l -> l.containsKey("fc-a") && l.get("fc-a").getLong("streams") == 2
              && l.containsKey("fc-b") && l.get("fc-b").getLong("streams") == 1);
      assertThat(seen.get("fc-a").getString("address")).isEqualTo("127.0.0.1:" + a.port());
      assertThat(seen.get("fc-b").getString("address")).isEqualTo("127.0.0.1:" + b.port());
      assertThat(seen.get("fc-a").getLong("flush_backlog")).as("a number with persistence").isNotNull()
          .isGreaterThanOrEqualTo(0L);
      assertThat(listed(a.api()).keySet()).as("every instance sees the same registry").containsAll(seen.keySet());
    }
  }

  @Test
  void anInstanceStoppedGracefullyIsGoneAtOnce() {
    TestServer c = TestServer.start(config("fc-c", 60_000));
    try {
      assertThat(listed(a.api())).as("listed from its start").containsKey("fc-c");
    } finally {
      c.close();
    }
    assertThat(listed(a.api())).as("gone at once, long before its 60 s TTL").doesNotContainKey("fc-c")
        .containsKeys("fc-a", "fc-b");
  }

  @Test
  void aTerminatedProcessRemovesItsRecordBeforeItExits() throws Exception {
    try (FlowcastProcess process = FlowcastProcess.start(a.vertx(), config("fc-term", 60_000))) {
      Eventually.await("the process listed", Duration.ofSeconds(5), () -> listed(a.api()),
          l -> l.containsKey("fc-term"));

      assertThat(process.terminate(30)).as("exits on SIGTERM").isTrue();
      assertThat(listed(a.api())).as("gone at once, long before its 60 s TTL").doesNotContainKey("fc-term");
      assertThat(process.log()).contains("instance registry: fc-term left");
    }
  }

  @Test
  void aKilledInstanceDropsOffWithinOneTtl() throws Exception {
    try (FlowcastProcess process = FlowcastProcess.start(a.vertx(), config("fc-killed", TTL_MS))) {
      Eventually.await("the process listed", Duration.ofSeconds(5), () -> listed(a.api()),
          l -> l.containsKey("fc-killed"));

      process.kill();
      long killedAt = System.nanoTime();
      Eventually.await("the killed instance dropping off", Duration.ofMillis(TTL_MS + 2000), () -> listed(a.api()),
          l -> !l.containsKey("fc-killed"));
      long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
      // its last renewal came before the kill, so its lease ended less than one TTL after it (plus a poll
      // of the listing on a busy machine)
      assertThat(tookMs).isLessThanOrEqualTo(TTL_MS + 500);
      assertThat(listed(a.api())).containsKeys("fc-a", "fc-b");
    }
  }
}
