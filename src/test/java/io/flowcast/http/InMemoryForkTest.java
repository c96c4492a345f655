package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fork contract on the in-memory backend. */
class InMemoryForkTest extends ForkContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("events.retention_max", RETENTION));

  @Override
  StartedServer server() {
    return server;
  }
}
