package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The time-travel contract on Redis (without PostgreSQL: what Redis trimmed is gone). */
class RedisTimeTravelTest extends TimeTravelContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(TestServer.onRedis().put("events.retention_max", RETENTION));

  @Override
  StartedServer server() {
    return server;
  }
}
