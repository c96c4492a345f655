package io.flowcast.auth;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over HTTP, a token used again (each HTTP verticle remembers the callers of the tokens it verified;
 * the cache itself: VerifiedTokensTest) never admits more than verifying would: not a token past its
 * expiry, not a token that differs from a verified one, not a caller of another token.
 */
class TokenReuseTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("jwt.leeway_seconds", 0));

  @Test
  void aRememberedTokenStillExpiresAndOnlyItsExactTextIsRemembered() throws Exception {
    String token = server.token("short-lived", "reuse", TestServer.RW, 2);
    String other = server.token("someone-else", "elsewhere", TestServer.RW);
    long expires = (System.currentTimeMillis() / 1000 + 2) * 1000;
    assertThat(server.api().post("/api/v1/workflows", token, new JsonObject().put("id", "mine")).statusCode()).isEqualTo(201);
    // the token is verified once and then remembered
    for (int i = 0; i < 6; i++) {
      assertThat(server.api().get("/api/v1/workflows/mine", token).statusCode()).isEqualTo(200);
    }
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
    assertThat(server.api().get("/api/v1/workflows/mine", tampered).statusCode()).isEqualTo(401);
    for (int i = 0; i < 4; i++) {
      assertThat(server.api().get("/api/v1/workflows/mine", other).statusCode())
          .as("another tenant's token is its own caller").isEqualTo(404);
    }

    Thread.sleep(Math.max(0, expires - System.currentTimeMillis()) + 1100);
    for (int i = 0; i < 4; i++) {
      var refused = server.api().get("/api/v1/workflows/mine", token);
      assertThat(refused.statusCode()).as("request %d after exp", i).isEqualTo(401);
      assertThat(refused.bodyAsJsonObject().getString("detail")).contains("expired");
    }
    assertThat(server.api().get("/api/v1/workflows/mine", other).statusCode()).isEqualTo(404);
  }
}
