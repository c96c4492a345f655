package io.flowcast.flush;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pg.url that never worked (here a database that does not exist) keeps the instance not ready, in
 * write-behind too, and /ready says why; an outage after the first migration is a degraded mode instead
 * (PostgresOutageTest).
 */
class UnreachablePostgresAtStartTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(UnreachablePostgresAtStartTest.class);

  @Test
  void aDatabaseThatDoesNotExistKeepsTheInstanceNotReadyAndSaysWhy() {
    String url = TestServer.pgUrl().replaceAll("/[^/?]+(\\?.*)?$", "/no_such_database_fc$1");
    try (TestServer server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX).put("pg.url", url))) {
      assertThat(server.api().get("/health", null).statusCode()).isEqualTo(200);
      var ready = Eventually.await("/ready naming PostgreSQL", Duration.ofSeconds(10),
          () -> server.api().get("/ready", null), r -> r.bodyAsJsonObject().getJsonObject("checks")
              .getJsonObject("postgresql", new JsonObject()).getString("detail", "").contains("since the start"));
      assertThat(ready.statusCode()).isEqualTo(503);
      JsonObject check = ready.bodyAsJsonObject().getJsonObject("checks").getJsonObject("postgresql");
      assertThat(check.getString("status")).isEqualTo("down");
      assertThat(check.getString("detail")).contains("no_such_database_fc");
    }
  }
}
