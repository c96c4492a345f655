package io.flowcast.redis;

import io.flowcast.auth.RefreshTokens;
import io.flowcast.auth.Session;
import io.flowcast.testsupport.RedisCluster;
import io.flowcast.testsupport.RedisStores;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.TestServer;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowStore;
import io.flowcast.workflow.WorkflowStoreContract;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code redis.type=cluster}: the store contract on a private 3-master, 3-replica Redis Cluster, one key
 * layout for every topology (every script touches one slot), refresh tokens and revoked sessions, and two
 * servers given only the nodes' URLs stream each other's writes (shard channels, one connection per master)
 * and flush them to PostgreSQL (one buffer stream per shard, on every master).
 */
class ClusterStoreTest extends WorkflowStoreContract {
  private static final String PREFIX = "fc-cluster:";
  private static RedisCluster cluster;
  private static RedisStores redis;

  @BeforeAll
  static void start() throws Exception {
    cluster = RedisCluster.shared();
    redis = new RedisStores(cluster.target(), PREFIX);
  }

  @AfterAll
  static void stop() {
    redis.close();
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
  void hashSlotsAgreeWithTheCluster() throws Exception {
    RedisKeys keys = new RedisKeys(PREFIX);
    WorkflowKey wf = new WorkflowKey("acme", "wf-" + UUID.randomUUID());
    for (String name : new String[] {keys.state(wf), keys.channel(wf.tag()), keys.outbox(7), "plain", "{}x"}) {
      assertThat(HashSlots.of(name)).as(name).isEqualTo(Integer.parseInt(cluster.cli("CLUSTER", "KEYSLOT", name)));
    }
  }

  @Test
  void refreshTokensRotateAndRevokedSessionsAreReadBack() {
    RefreshTokens tokens = redis.backend(100).refreshTokens();
    String sid = "s-" + UUID.randomUUID();
    Session session = new Session(sid, "alice", "acme", "workflows:read", "cli");
    String token = tokens.start(session, 600).await();
    RefreshTokens.Rotation rotated = tokens.rotate(token, 600).await();
    assertThat(rotated.kind()).isEqualTo(RefreshTokens.Rotation.Kind.OK);
    long until = System.currentTimeMillis() / 1000 + 600;
    tokens.revokeSession(sid, until).await();
    Map<String, Long> revoked = tokens.revokedSessions().await();
    assertThat(revoked).containsEntry(sid, until);
  }

  @Test
  void twoServersGivenTheNodesStreamEachOthersWritesAndFlushThem() throws Exception {
    String prefix = PREFIX + UUID.randomUUID().toString().substring(0, 6) + ":";
    JsonObject config = TestServer.onRedisWithPg(prefix).put("redis.type", "cluster").put("redis.url", cluster.urls())
        .put("redis.fallback", "none").put("flush.interval_ms", 100);
    try (TestServer a = TestServer.start(config); TestServer b = TestServer.start(config)) {
      String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
      String token = a.token("alice", tenant, TestServer.RW);
      for (int i = 0; i < 8; i++) {
        a.api().create(token, new JsonObject().put("id", "wf" + i));
      }
      for (int i = 0; i < 8; i++) {
        try (SseClient stream = b.stream("/api/v1/workflows/wf" + i + "/stream", token, null)) {
          assertThat(stream.next("snapshot", 5)).isNotNull();
          a.api().patch("/api/v1/workflows/wf" + i, token, new JsonObject().put("state", new JsonObject()
              .put("step", 2)), null);
          assertThat(stream.next(5).event()).isEqualTo("state.updated");
        }
      }
      JsonObject list = b.api().get("/api/v1/workflows?limit=100", token).bodyAsJsonObject();
      assertThat(list.getJsonArray("items")).hasSize(8);
      assertThat(b.api().get("/ready", null).bodyAsJsonObject().getBoolean("ready")).isTrue();
      try (io.flowcast.testsupport.Databases db = new io.flowcast.testsupport.Databases(a.vertx(), prefix)) {
        for (int i = 0; i < 8; i++) {
          db.awaitFlushed(tenant, "wf" + i, 2);
        }
      }
    }
  }
}
