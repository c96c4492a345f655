package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

/** The Idempotency-Key contract on the in-memory backend, on a clock the test moves. */
class InMemoryIdempotencyKeyTest extends IdempotencyKeyContract {
  private static final TestClock clock = new TestClock();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("http.idempotency_ttl_ms", 60_000),
      clock);

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  void outliveTheTtl() {
    clock.advance(Duration.ofSeconds(61));
  }
}
