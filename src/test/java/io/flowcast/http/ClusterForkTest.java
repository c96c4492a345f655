package io.flowcast.http;

import io.flowcast.testsupport.RedisCluster;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fork contract on a private Redis Cluster: the source and the new workflow lie in slots of their own,
 * and a fork's Idempotency-Key record lies beside the new one, so no script spans two slots.
 */
class ClusterForkTest extends ForkContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(onCluster());

  private static JsonObject onCluster() {
    try {
      return TestServer.onRedis().put("redis.type", "cluster").put("redis.url", RedisCluster.shared().urls())
          .put("events.retention_max", RETENTION);
    } catch (Exception e) {
      throw new IllegalStateException("no Redis Cluster for the test", e);
    }
  }

  @Override
  StartedServer server() {
    return server;
  }
}
