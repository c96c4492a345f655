package io.flowcast.sse;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tenant feed on a Redis Cluster, changes made on another instance: the feed's tenant channels lie in
 * the slots of the shards, spread over the masters, and the feed subscribes on each master.
 */
class ClusterTenantFeedTest extends TenantFeedContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(TestServer.onCluster());
  @RegisterExtension
  static final StartedServer other = StartedServer.with(TestServer.onCluster());

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  StartedServer writer() {
    return other;
  }
}
