package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fork contract on Redis (without PostgreSQL: what Redis trimmed is gone). */
class RedisForkTest extends ForkContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(TestServer.onRedis().put("events.retention_max", RETENTION));

  @Override
  StartedServer server() {
    return server;
  }
}
