package io.flowcast.interrupts;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The interrupts contract on the in-memory backend. */
class InMemoryInterruptsTest extends InterruptsContract {
  private static final TestClock clock = new TestClock();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject(), clock);

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  TestClock clock() {
    return clock;
  }
}
