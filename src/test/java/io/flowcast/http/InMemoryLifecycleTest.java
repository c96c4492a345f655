package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lifecycle contract on the in-memory backend. */
class InMemoryLifecycleTest extends LifecycleContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  @Override
  StartedServer server() {
    return server;
  }
}
