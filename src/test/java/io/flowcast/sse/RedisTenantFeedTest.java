package io.flowcast.sse;

import io.flowcast.testsupport.StartedServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tenant feed on Redis, its changes made on another instance: the scripts announce each change on the
 * tenant's feed channel of the workflow's shard, and the feed's instance follows every shard's.
 */
class RedisTenantFeedTest extends TenantFeedContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.onRedis();
  @RegisterExtension
  static final StartedServer other = StartedServer.onRedis();

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  StartedServer writer() {
    return other;
  }
}
