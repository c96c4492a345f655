package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Idempotency-Key contract on Redis (whose own clock runs the records' TTL, so the test waits it out). */
class RedisIdempotencyKeyTest extends IdempotencyKeyContract {
  private static final long TTL_MS = 4000;
  @RegisterExtension
  static final StartedServer server = StartedServer.with(TestServer.onRedis().put("http.idempotency_ttl_ms", TTL_MS));

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  void outliveTheTtl() throws InterruptedException {
    Thread.sleep(TTL_MS + 500);
  }
}
