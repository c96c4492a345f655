package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fork contract on a private Redis Cluster: the source and the new workflow lie in slots of their own,
 * and a fork's Idempotency-Key record lies beside the new one, so no script spans two slots.
 */
class ClusterForkTest extends ForkContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(TestServer.onCluster().put("events.retention_max", RETENTION));

  @Override
  StartedServer server() {
    return server;
  }
}
