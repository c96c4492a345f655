package io.flowcast.presence;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The presence contract on the in-memory backend. */
class InMemoryPresenceTest extends PresenceContract {
  static final TestClock clock = new TestClock();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(settings(new JsonObject()), clock);

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  TestClock clock() {
    return clock;
  }
}
