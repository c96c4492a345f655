package io.flowcast.outputs;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The outputs contract on Redis, whose scripts keep the text and publish each delta. */
class RedisOutputsTest extends OutputsContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(TestServer.onRedis().mergeIn(overrides()));

  @Override
  StartedServer server() {
    return server;
  }
}
