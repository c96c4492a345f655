package io.flowcast.presence;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The presence contract on Redis. */
class RedisPresenceTest extends PresenceContract {
  static final TestClock clock = new TestClock();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(settings(TestServer.onRedis()), clock);

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  TestClock clock() {
    return clock;
  }
}
