package io.flowcast.actions;

import java.time.Clock;
import io.flowcast.backend.Backend;
import io.flowcast.testsupport.RedisStores;
import io.flowcast.workflow.WorkflowStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The action queue contract on Redis (the test script's server; a tenant of its own per test). */
class RedisActionQueueTest extends ActionQueueContract {
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
  protected Backend newBackend(Clock clock) {
    return redis.backend(1000, clock);
  }
}
