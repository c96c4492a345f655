package io.flowcast.redis;

import io.flowcast.testsupport.ManagedRedis;
import io.flowcast.testsupport.RedisStores;
import io.flowcast.workflow.WorkflowStore;
import io.flowcast.workflow.WorkflowStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on a managed Redis: TLS with a certificate of the test's CA, as the ACL user of
 * docs/REDIS.md (only Flowcast's commands, only keys and channels under its prefix).
 */
class ManagedRedisStoreTest extends WorkflowStoreContract {
  private static ManagedRedis managed;
  private static RedisStores redis;

  @BeforeAll
  static void start() throws Exception {
    managed = ManagedRedis.start("managed:");
    redis = new RedisStores(managed.target(), "managed:");
  }

  @AfterAll
  static void stop() throws Exception {
    redis.close();
    managed.close();
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
