package io.flowcast.review;

import io.flowcast.backend.Backend;
import io.flowcast.testsupport.RedisStores;
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
    Backend backend = redis.backend(1000);
    return new Stores(backend.store(), backend.sides());
  }
}
