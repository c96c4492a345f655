package io.flowcast.workflow;

import io.flowcast.testsupport.RedisStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on Redis (the test script's server; every test works in a tenant of its own). */
class RedisWorkflowStoreTest extends WorkflowStoreContract {
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
  protected WorkflowStore newStore(int retentionMax) {
    return redis.store(retentionMax);
  }

  /** Redis expires the state hash by itself; expiry is announced through {@link WorkflowStore#expired}. */
  @Override
  protected boolean sweepsExpiredWorkflows() {
    return false;
  }
}
