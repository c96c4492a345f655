package io.flowcast.outputs;

import io.flowcast.testsupport.StartedServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The outputs contract on the in-memory backend. */
class InMemoryOutputsTest extends OutputsContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(overrides());

  @Override
  StartedServer server() {
    return server;
  }
}
