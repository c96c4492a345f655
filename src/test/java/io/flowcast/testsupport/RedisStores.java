package io.flowcast.testsupport;

import io.flowcast.health.FlowcastMeters;
import io.flowcast.redis.RedisClients;
import io.flowcast.workflow.RedisWorkflowStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * Redis workflow stores for contract tests, on the test script's Redis (without persistence). Open one
 * per test class; every test works in a tenant of its own, so they share the server without cleanup.
 */
public final class RedisStores implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Redis redis = RedisClients.pooled(vertx, TestServer.redisUrl(), 4, 2000);

  /** A fresh store keeping about {@code retentionMax} events per workflow. */
  public RedisWorkflowStore store(int retentionMax) {
    return new RedisWorkflowStore(vertx, redis, new RedisWorkflowStore.Settings(
        new io.flowcast.redis.RedisKeys(TestServer.RUN_PREFIX), retentionMax, 300, 2000, 3600, 0),
        null, new FlowcastMeters(new SimpleMeterRegistry()));
  }

  @Override
  public void close() {
    redis.close();
    vertx.close().await();
  }
}
