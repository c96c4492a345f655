package io.flowcast.http;

import io.flowcast.testsupport.RedisCluster;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Idempotency-Key contract on a private Redis Cluster: a record lies in its workflow's slot, so the
 * workflow scripts take it into their step without a cross-slot error.
 */
class ClusterIdempotencyKeyTest extends IdempotencyKeyContract {
  private static final long TTL_MS = 4000;
  @RegisterExtension
  static final StartedServer server = StartedServer.with(onCluster());

  private static JsonObject onCluster() {
    try {
      return TestServer.onRedis().put("redis.type", "cluster").put("redis.url", RedisCluster.shared().urls())
          .put("http.idempotency_ttl_ms", TTL_MS);
    } catch (Exception e) {
      throw new IllegalStateException("no Redis Cluster for the test", e);
    }
  }

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  void outliveTheTtl() throws InterruptedException {
    Thread.sleep(TTL_MS + 500);
  }
}
