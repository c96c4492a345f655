package io.flowcast.interrupts;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The interrupts contract on a private Redis Cluster: the interrupts hash lies in its workflow's slot, so the
 * scripts (and the patch that closes them) take it into their step without a cross-slot error.
 */
class ClusterInterruptsTest extends InterruptsContract {
  private static final TestClock clock = new TestClock();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(TestServer.onCluster(), clock);

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  TestClock clock() {
    return clock;
  }
}
