package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Idempotency-Key contract on a private Redis Cluster: a record lies in its workflow's slot, so the
 * workflow scripts take it into their step without a cross-slot error.
 */
class ClusterIdempotencyKeyTest extends IdempotencyKeyContract {
  private static final long TTL_MS = 4000;
  @RegisterExtension
  static final StartedServer server = StartedServer.with(TestServer.onCluster().put("http.idempotency_ttl_ms", TTL_MS));

  @Override
  StartedServer server() {
    return server;
  }

  @Override
  void outliveTheTtl() throws InterruptedException {
    Thread.sleep(TTL_MS + 500);
  }
}
