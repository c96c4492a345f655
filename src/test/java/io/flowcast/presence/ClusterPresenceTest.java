package io.flowcast.presence;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The presence contract on a private Redis Cluster: the leases lie in their workflow's slot (changed with its
 * events by one script), the index of workflows holding leases in a slot of its own.
 */
class ClusterPresenceTest extends PresenceContract {
  static final TestClock clock = new TestClock();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(settings(TestServer.onCluster()), clock);

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  TestClock clock() {
    return clock;
  }
}
