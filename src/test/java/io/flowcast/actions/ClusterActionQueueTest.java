package io.flowcast.actions;

import io.flowcast.backend.Backend;
import io.flowcast.testsupport.RedisCluster;
import io.flowcast.testsupport.RedisStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Clock;

/** The action queue contract on a private Redis Cluster of 3 masters and 3 replicas. */
class ClusterActionQueueTest extends ActionQueueContract {
  private static RedisStores redis;

  @BeforeAll
  static void connect() throws Exception {
    redis = new RedisStores(RedisCluster.shared().target(), "fc-cluster-actions:");
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  @Override
  protected Backend newBackend(Clock clock) {
    return redis.backend(1000, clock);
  }
}
