package io.flowcast.actions;

import io.flowcast.health.FlowcastMeters;
import io.flowcast.redis.RedisClients;
import io.flowcast.testsupport.TestServer;
import io.flowcast.workflow.RedisWorkflowStore;
import io.flowcast.workflow.WorkflowStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The action queue contract on Redis (the test script's server; a tenant of its own per test). */
class RedisActionQueueTest extends ActionQueueContract {
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
  protected WorkflowStore newStore() {
    return new RedisWorkflowStore(vertx, redis, new RedisWorkflowStore.Settings(1000, 300, 2000, 3600, 0), null,
        new FlowcastMeters(new SimpleMeterRegistry()));
  }
}
