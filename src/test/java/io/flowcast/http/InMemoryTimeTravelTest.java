package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The time-travel contract on the in-memory backend. */
class InMemoryTimeTravelTest extends TimeTravelContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("events.retention_max", RETENTION));

  @Override
  StartedServer server() {
    return server;
  }
}
