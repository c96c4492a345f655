package io.flowcast.review;

import io.flowcast.backend.Backend;
import io.flowcast.testsupport.RedisCluster;
import io.flowcast.testsupport.RedisStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Drafts, snapshots and rollback on a private Redis Cluster of 3 masters and 3 replicas. */
class ClusterReviewTest extends ReviewContract {
  private static RedisStores redis;

  @BeforeAll
  static void connect() throws Exception {
    redis = new RedisStores(RedisCluster.shared().target(), "fc-cluster-review:");
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  @Override
  protected Stores newStores() {
    Backend backend = redis.backend(1000);
    return new Stores(backend.store(), backend.sides());
  }
}
