package io.flowcast.workflow;

import io.flowcast.backend.Backend;
import io.flowcast.testsupport.RedisStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Idempotency-Key records contract on Redis (the test script's server, a tenant of its own per test). */
class RedisIdempotencyRecordsTest extends IdempotencyRecordsContract {
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
  protected Backend newBackend() {
    return redis.backend(1000);
  }
}
