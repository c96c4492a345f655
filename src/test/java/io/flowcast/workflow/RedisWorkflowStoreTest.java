package io.flowcast.workflow;

import io.flowcast.health.FlowcastMeters;
import io.flowcast.redis.RedisClients;
import io.flowcast.testsupport.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on Redis (the test script's server; every test works in a tenant of its own). */
class RedisWorkflowStoreTest extends WorkflowStoreContract {
  private static Vertx vertx;
  private static Redis redis;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    redis = RedisClients.pooled(vertx, TestServer.redisUrl(), 4, 2000);
  }

  @AfterAll
  static void disconnect() {
    redis.close();
    vertx.close().await();
  }

  @Override
  protected WorkflowStore newStore(int retentionMax) {
    return new RedisWorkflowStore(vertx, redis, new RedisWorkflowStore.Settings(retentionMax, 300, 2000, 3600, 0),
        null, new FlowcastMeters(new SimpleMeterRegistry()));
  }

  /** Redis expires the state hash by itself; expiry is announced through {@link WorkflowStore#expired}. */
  @Override
  protected boolean sweepsExpiredWorkflows() {
    return false;
  }
}
