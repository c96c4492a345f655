package io.flowcast.auth;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** On Redis, a logout on one instance ends the session's streams and tokens on the others. */
class SessionRevocationAcrossInstancesTest {

  @Test
  void logoutOnAClosesTheSessionsStreamsOnB() throws Exception {
    try (TestServer a = TestServer.start(TestServer.onRedis()); TestServer b = TestServer.start(TestServer.onRedis())) {
      JsonObject session = TokenEndpointTest.login(a);
      String access = session.getString("access_token");
      String id = "revoked-" + System.nanoTime();
      b.api().create(access, new JsonObject().put("id", id));
      var refreshed = TokenEndpointTest.form(b, "/api/v1/auth/token", TokenEndpointTest.fields("grant_type",
          "refresh_token", "refresh_token", session.getString("refresh_token")), null);
      assertThat(refreshed.statusCode()).as("refresh tokens are shared by the instances").isEqualTo(200);
      String refresh = refreshed.bodyAsJsonObject().getString("refresh_token");
      try (SseClient onB = b.stream("/api/v1/workflows/" + id + "/stream", access, null)) {
        onB.next("snapshot", 5);
        assertThat(TokenEndpointTest.form(a, "/api/v1/auth/revoke", TokenEndpointTest.fields("token", refresh), null)
            .statusCode()).isEqualTo(200);
        assertThat(onB.next("auth.expired", 5).data()).contains("revoked");
        assertThat(onB.awaitEnd(5)).isTrue();
      }
      Eventually.await("B refusing the revoked session's access token", Duration.ofSeconds(5),
          () -> b.api().get("/api/v1/workflows", access).statusCode(), status -> status == 401);
      try (TestServer c = TestServer.start(TestServer.onRedis())) {
        assertThat(c.api().get("/api/v1/workflows", access).statusCode())
            .as("an instance started after the revocation knows it").isEqualTo(401);
      }
    }
  }
}
