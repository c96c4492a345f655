package io.flowcast.redis;

import io.flowcast.config.RedisTarget;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.RedisStores;
import io.flowcast.testsupport.SentinelProcess;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.TestServer;
import io.flowcast.workflow.WorkflowStore;
import io.flowcast.workflow.WorkflowStoreContract;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code redis.type=sentinel}: the store contract through a sentinel (the client asks it for the master),
 * and a server configured only with the sentinel's URL streams what it writes.
 */
class SentinelStoreTest extends WorkflowStoreContract {
  private static RedisProcess master;
  private static SentinelProcess sentinel;
  private static RedisStores redis;

  @BeforeAll
  static void start() throws Exception {
    master = new RedisProcess().withArgs("--notify-keyspace-events", "Ex").start();
    sentinel = SentinelProcess.monitoring(master);
    redis = new RedisStores(new RedisTarget(RedisClientType.SENTINEL, List.of(sentinel.url()),
        SentinelProcess.MASTER, new RedisTarget.Tls("", true, "", "")), "fc-sentinel:");
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close();
    sentinel.close();
    master.close();
  }

  @Override
  protected WorkflowStore newStore(int retentionMax) {
    return redis.store(retentionMax);
  }

  @Override
  protected boolean sweepsExpiredWorkflows() {
    return false;
  }

  @Test
  void aServerGivenOnlyTheSentinelStreamsWhatItWrites() {
    try (TestServer server = TestServer.start(new JsonObject().put("redis.type", "sentinel")
        .put("redis.url", sentinel.url()).put("redis.fallback", "none").put("redis.key_prefix", "fc-sentinel:"))) {
      String token = server.token("alice", "t-sentinel", TestServer.RW);
      server.api().create(token, new JsonObject().put("id", "wf"));
      try (SseClient stream = server.stream("/api/v1/workflows/wf/stream", token, null)) {
        assertThat(stream.next("snapshot", 5)).isNotNull();
        server.api().patch("/api/v1/workflows/wf", token, new JsonObject().put("state", new JsonObject()
            .put("step", 2)), null);
        assertThat(stream.next(5).event()).isEqualTo("state.updated");
      }
      assertThat(server.api().get("/ready", null).bodyAsJsonObject().getBoolean("ready")).isTrue();
    }
  }
}
