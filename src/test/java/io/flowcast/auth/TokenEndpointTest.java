package io.flowcast.auth;

import com.nimbusds.jwt.SignedJWT;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/v1/auth/token and /revoke (RFC 6749, RFC 7009) on the in-memory backend. */
public class TokenEndpointTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  public static HttpResponse<Buffer> form(TestServer on, String path, Map<String, String> fields, String basic) {
    String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (basic != null) {
      headers.add("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    return on.api().send(HttpMethod.POST, path, null, Buffer.buffer(body), "application/x-www-form-urlencoded",
        headers);
  }

  public static Map<String, String> fields(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  /** Alice logs in with her development password: {access_token, refresh_token, ...}. */
  public static JsonObject login(TestServer on) {
    HttpResponse<Buffer> r = form(on, "/api/v1/auth/token",
        fields("grant_type", "password", "username", "alice", "password", "alice-dev-password"), null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static void assertOAuthError(HttpResponse<Buffer> r, int status, String error) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo(error);
    assertThat(r.bodyAsJsonObject().getString("error_description")).isNotBlank();
  }

  @Test
  void passwordGrantIssuesAnAccessTokenWithSessionClaimsAndARefreshToken() throws Exception {
    JsonObject answer = login(server.get());
    assertThat(answer.getString("token_type")).isEqualTo("Bearer");
    assertThat(answer.getInteger("expires_in")).isEqualTo(server.config().accessTtlSeconds());
    assertThat(answer.getString("scope")).isEqualTo("workflows:read workflows:write flowcast:admin");
    assertThat(answer.getString("refresh_token")).contains(".");
    var claims = SignedJWT.parse(answer.getString("access_token")).getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getStringClaim("tenant")).isEqualTo("acme");
    assertThat(claims.getStringClaim("sid")).isNotBlank();
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(claims.getExpirationTime().getTime() - System.currentTimeMillis())
        .isBetween((server.config().accessTtlSeconds() - 5) * 1000L, server.config().accessTtlSeconds() * 1000L);
    assertThat(server.api().create(answer.getString("access_token"), new JsonObject()).getString("tenant"))
        .isEqualTo("acme");
  }

  @Test
  void jsonBodiesWorkLikeForms() {
    var r = server.api().post("/api/v1/auth/token", null, new JsonObject().put("grant_type", "password")
        .put("username", "alice").put("password", "alice-dev-password"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("access_token")).isNotBlank();
  }

  @Test
  void wrongPasswordOrUnknownUserIsInvalidGrant() {
    assertOAuthError(form(server.get(), "/api/v1/auth/token",
        fields("grant_type", "password", "username", "alice", "password", "nope"), null), 400, "invalid_grant");
    assertOAuthError(form(server.get(), "/api/v1/auth/token",
        fields("grant_type", "password", "username", "mallory", "password", "x"), null), 400, "invalid_grant");
  }

  @Test
  void malformedRequestsGetRfc6749Errors() {
    assertOAuthError(form(server.get(), "/api/v1/auth/token", fields("username", "alice"), null), 400,
        "invalid_request");
    assertOAuthError(form(server.get(), "/api/v1/auth/token", fields("grant_type", "password", "username", "alice"),
        null), 400, "invalid_request");
    assertOAuthError(form(server.get(), "/api/v1/auth/token", fields("grant_type", "implicit"), null), 400,
        "unsupported_grant_type");
    var plain = server.api().send(HttpMethod.POST, "/api/v1/auth/token", null, Buffer.buffer("grant_type=password"),
        "text/plain");
    assertOAuthError(plain, 400, "invalid_request");
  }

  @Test
  void requestedScopeNarrowsTheTokenAndCannotWidenIt() {
    var narrow = form(server.get(), "/api/v1/auth/token", fields("grant_type", "password", "username", "alice",
        "password", "alice-dev-password", "scope", "workflows:read"), null);
    assertThat(narrow.statusCode()).isEqualTo(200);
    String readOnly = narrow.bodyAsJsonObject().getString("access_token");
    assertThat(narrow.bodyAsJsonObject().getString("scope")).isEqualTo("workflows:read");
    assertThat(server.api().post("/api/v1/workflows", readOnly, new JsonObject()).statusCode()).isEqualTo(403);
    assertOAuthError(form(server.get(), "/api/v1/auth/token", fields("grant_type", "password", "username", "alice",
        "password", "alice-dev-password", "scope", "admin"), null), 400, "invalid_scope");
  }

  @Test
  void clientCredentialsByBasicOrBodyIssueNoRefreshToken() {
    var basic = form(server.get(), "/api/v1/auth/token", fields("grant_type", "client_credentials"),
        "worker:worker-dev-secret");
    assertThat(basic.statusCode()).isEqualTo(200);
    assertThat(basic.bodyAsJsonObject().containsKey("refresh_token")).isFalse();
    var body = form(server.get(), "/api/v1/auth/token", fields("grant_type", "client_credentials", "client_id",
        "worker", "client_secret", "worker-dev-secret"), null);
    assertThat(body.statusCode()).isEqualTo(200);
    var wrong = form(server.get(), "/api/v1/auth/token", fields("grant_type", "client_credentials"), "worker:wrong");
    assertOAuthError(wrong, 401, "invalid_client");
    assertThat(wrong.getHeader("WWW-Authenticate")).startsWith("Basic");
  }

  @Test
  void refreshRotatesAndReuseRevokesTheWholeSession() {
    JsonObject first = login(server.get());
    var second = form(server.get(), "/api/v1/auth/token",
        fields("grant_type", "refresh_token", "refresh_token", first.getString("refresh_token")), null);
    assertThat(second.statusCode()).isEqualTo(200);
    String rotated = second.bodyAsJsonObject().getString("refresh_token");
    assertThat(rotated).isNotEqualTo(first.getString("refresh_token"));
    String access = second.bodyAsJsonObject().getString("access_token");
    assertThat(server.api().get("/api/v1/workflows", access).statusCode()).isEqualTo(200);

    assertOAuthError(form(server.get(), "/api/v1/auth/token",
        fields("grant_type", "refresh_token", "refresh_token", first.getString("refresh_token")), null),
        400, "invalid_grant");
    assertOAuthError(form(server.get(), "/api/v1/auth/token",
        fields("grant_type", "refresh_token", "refresh_token", rotated), null), 400, "invalid_grant");
    assertThat(server.api().get("/api/v1/workflows", access).statusCode())
        .as("the session's access tokens are refused too").isEqualTo(401);
    assertOAuthError(form(server.get(), "/api/v1/auth/token",
        fields("grant_type", "refresh_token", "refresh_token", "not.atoken"), null), 400, "invalid_grant");
  }

  @Test
  void revokeEndsTheSessionAndItsStreams() throws Exception {
    JsonObject session = login(server.get());
    String access = session.getString("access_token");
    server.api().create(access, new JsonObject().put("id", "watched-" + System.nanoTime()));
    String id = server.api().get("/api/v1/workflows?limit=1", access).bodyAsJsonObject().getJsonArray("items")
        .getJsonObject(0).getString("id");
    try (SseClient sse = server.stream("/api/v1/workflows/" + id + "/stream", access, null)) {
      sse.next("snapshot", 5);
      var revoked = form(server.get(), "/api/v1/auth/revoke", fields("token", session.getString("refresh_token")),
          null);
      assertThat(revoked.statusCode()).isEqualTo(200);
      assertThat(sse.next("auth.expired", 5).data()).contains("revoked");
      assertThat(sse.awaitEnd(5)).isTrue();
    }
    assertThat(server.api().get("/api/v1/workflows", access).statusCode()).isEqualTo(401);
    assertOAuthError(form(server.get(), "/api/v1/auth/token",
        fields("grant_type", "refresh_token", "refresh_token", session.getString("refresh_token")), null),
        400, "invalid_grant");
    assertThat(form(server.get(), "/api/v1/auth/revoke", fields("token", "unknown.token"), null).statusCode())
        .as("RFC 7009: an unknown token is not an error").isEqualTo(200);
  }

  @Test
  void revokingAnAccessTokenRevokesItsSession() {
    JsonObject session = login(server.get());
    String access = session.getString("access_token");
    assertThat(form(server.get(), "/api/v1/auth/revoke", fields("token", access), null).statusCode()).isEqualTo(200);
    assertThat(server.api().get("/api/v1/workflows", access).statusCode()).isEqualTo(401);
  }
}
