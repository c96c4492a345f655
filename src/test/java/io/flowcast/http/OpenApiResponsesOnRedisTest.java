package io.flowcast.http;

import io.flowcast.config.ConfigLoader;
import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

/**
 * {@link OpenApiResponsesContract} on Redis with PostgreSQL (write-behind), under a key prefix of its own; the
 * token endpoint finds its account and client in PostgreSQL (names of this run's own, with the development
 * passwords' hashes).
 */
class OpenApiResponsesOnRedisTest extends OpenApiResponsesContract {
  private static final String KEY_PREFIX = TestServer.keyPrefix(OpenApiResponsesOnRedisTest.class);

  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(KEY_PREFIX);
  @RegisterExtension
  @Order(2)
  static final StartedServer server = StartedServer.with(TestServer.onRedisWithPg(KEY_PREFIX));

  @Override
  protected StartedServer server() {
    return server;
  }

  @Override
  protected List<String> credentials() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    JsonObject defaults = ConfigLoader.defaults();
    db.sql("INSERT INTO auth_accounts (username, password_bcrypt, tenant, scope) VALUES ($1, $2, 'oapi', $3)",
        "oapi-" + suffix, defaults.getJsonArray("auth.accounts").getJsonObject(0).getString("password_bcrypt"),
        TestServer.RW);
    db.sql("INSERT INTO auth_clients (client_id, secret_bcrypt, tenant, scope) VALUES ($1, $2, 'oapi', $3)",
        "oapi-svc-" + suffix, defaults.getJsonArray("auth.clients").getJsonObject(0).getString("secret_bcrypt"),
        TestServer.RW);
    return List.of("oapi-" + suffix, "alice-dev-password", "oapi-svc-" + suffix, "worker-dev-secret");
  }
}
