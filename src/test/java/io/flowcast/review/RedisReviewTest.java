package io.flowcast.review;

import io.flowcast.testsupport.RedisStores;
import io.flowcast.workflow.RedisSideData;
import io.flowcast.workflow.RedisWorkflowStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Drafts, snapshots and rollback on Redis (the test script's server). */
class RedisReviewTest extends ReviewContract {
  private static RedisStores redis;

  @BeforeAll
  static void connect() {
    redis = new RedisStores();
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  @Override
  protected Stores newStores() {
    RedisWorkflowStore store = redis.store(1000);
    return new Stores(store, new RedisSideData(store));
  }
}
