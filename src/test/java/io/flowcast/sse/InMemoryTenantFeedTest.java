package io.flowcast.sse;

import io.flowcast.testsupport.StartedServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tenant feed on the in-memory backend. */
class InMemoryTenantFeedTest extends TenantFeedContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  @Override
  StartedServer server() {
    return server;
  }
}
