package io.flowcast.interrupts;

import io.flowcast.testsupport.RedisCluster;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The interrupts contract on a private Redis Cluster: the interrupts hash lies in its workflow's slot, so the
 * scripts (and the patch that closes them) take it into their step without a cross-slot error.
 */
class ClusterInterruptsTest extends InterruptsContract {
  private static final TestClock clock = new TestClock();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(onCluster(), clock);

  private static JsonObject onCluster() {
    try {
      return TestServer.onRedis().put("redis.type", "cluster").put("redis.url", RedisCluster.shared().urls());
    } catch (Exception e) {
      throw new IllegalStateException("no Redis Cluster for the test", e);
    }
  }

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  TestClock clock() {
    return clock;
  }
}
