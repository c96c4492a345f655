package io.flowcast.interrupts;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The interrupts contract on Redis, whose scripts move the status and keep the interrupts in one step. */
class RedisInterruptsTest extends InterruptsContract {
  private static final TestClock clock = new TestClock();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(TestServer.onRedis(), clock);

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  TestClock clock() {
    return clock;
  }
}
