package io.flowcast.auth;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** With PostgreSQL configured, accounts and service clients come from its tables (and only from there). */
class PostgresAccountsTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(PostgresAccountsTest.class);

  private static String bcrypt(String secret) {
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    return OpenBSDBCrypt.generate("2b", secret.toCharArray(), salt, 6);
  }

  @Test
  void passwordAndClientCredentialsGrantsUseThePostgresAccounts() {
    Vertx vertx = Vertx.vertx();
    try (Databases db = new Databases(vertx, KEY_PREFIX)) {
      db.flushRedis();
      try (TestServer server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX))) {
        io.flowcast.testsupport.Eventually.until("/ready saying where accounts come from",
            java.time.Duration.ofSeconds(5), () -> String.valueOf(server.api().get("/ready", null).bodyAsJsonObject()
                .getString("accounts")).matches("postgresql: \\d+ accounts?, \\d+ clients?"));
        String user = "user-" + UUID.randomUUID().toString().substring(0, 8);
        String client = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        db.sql("INSERT INTO auth_accounts (username, password_bcrypt, tenant, scope) VALUES ($1, $2, 'pg-tenant', "
            + "'workflows:read')", user, bcrypt("s3cret-pass"));
        db.sql("INSERT INTO auth_clients (client_id, secret_bcrypt, tenant, scope) VALUES ($1, $2, 'pg-tenant', "
            + "'workflows:read workflows:write')", client, bcrypt("client-s3cret"));

        var login = TokenEndpointTest.form(server, "/api/v1/auth/token", TokenEndpointTest.fields(
            "grant_type", "password", "username", user, "password", "s3cret-pass"), null);
        assertThat(login.statusCode()).as(login.bodyAsString()).isEqualTo(200);
        assertThat(login.bodyAsJsonObject().getString("scope")).isEqualTo("workflows:read");
        String access = login.bodyAsJsonObject().getString("access_token");
        assertThat(server.api().get("/api/v1/workflows", access).statusCode()).isEqualTo(200);

        var wrong = TokenEndpointTest.form(server, "/api/v1/auth/token", TokenEndpointTest.fields(
            "grant_type", "password", "username", user, "password", "nope"), null);
        assertThat(wrong.statusCode()).isEqualTo(400);

        var service = TokenEndpointTest.form(server, "/api/v1/auth/token",
            TokenEndpointTest.fields("grant_type", "client_credentials"), client + ":client-s3cret");
        assertThat(service.statusCode()).as(service.bodyAsString()).isEqualTo(200);

        var devAccount = TokenEndpointTest.form(server, "/api/v1/auth/token", TokenEndpointTest.fields(
            "grant_type", "password", "username", "alice", "password", "alice-dev-password"), null);
        assertThat(devAccount.statusCode()).as("the development account of config does not apply").isEqualTo(400);

        String refresh = login.bodyAsJsonObject().getString("refresh_token");
        db.sql("UPDATE auth_accounts SET disabled_at = now() WHERE username = $1", user);
        var refreshed = TokenEndpointTest.form(server, "/api/v1/auth/token", TokenEndpointTest.fields(
            "grant_type", "refresh_token", "refresh_token", refresh), null);
        assertThat(refreshed.statusCode()).as("a disabled account's session cannot be refreshed").isEqualTo(400);
        assertThat(server.api().get("/api/v1/workflows", access).statusCode())
            .as("and its access tokens are refused").isEqualTo(401);
        assertThat(TokenEndpointTest.form(server, "/api/v1/auth/token", TokenEndpointTest.fields(
            "grant_type", "password", "username", user, "password", "s3cret-pass"), null).statusCode())
            .as("a disabled account cannot sign in").isEqualTo(400);
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void withoutPostgresTheAccountsOfConfigCountAndReadySaysSo() {
    try (TestServer server = TestServer.start()) {
      io.flowcast.testsupport.Eventually.until("/ready naming the account source", java.time.Duration.ofSeconds(5),
          () -> "config: 1 account, 1 client".equals(server.api().get("/ready", null).bodyAsJsonObject()
              .getString("accounts")));
    }
  }
}
