package io.flowcast.auth;

import io.flowcast.testsupport.BridgeClient;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens limited to one workflow or an id prefix (RFC 8693 token exchange at the token endpoint): a page
 * is given access to one ticket, read-only or not, and to nothing else of the tenant, on every edge.
 */
class ScopedTokenTest {
  static final int TCP = TestServer.freePort();

  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("bridge.tcp.port", TCP)
      .put("auth.exchange_ttl_seconds", 120));

  private static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> exchange(String subjectToken,
      String workflow, String scope) {
    var fields = TokenEndpointTest.fields("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token", subjectToken, "subject_token_type", "urn:ietf:params:oauth:token-type:access_token",
        "workflow", workflow);
    if (scope != null) {
      fields.put("scope", scope);
    }
    return TokenEndpointTest.form(server.get(), "/api/v1/auth/token", fields, null);
  }

  private static String scoped(String subjectToken, String workflow, String scope) {
    var answer = exchange(subjectToken, workflow, scope);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    JsonObject body = answer.bodyAsJsonObject();
    assertThat(body.getString("issued_token_type")).isEqualTo("urn:ietf:params:oauth:token-type:access_token");
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    assertThat(body.containsKey("refresh_token")).isFalse();
    return body.getString("access_token");
  }

  @Test
  void aReadOnlyTokenForOneWorkflowReadsItAndNothingElse() {
    JsonObject session = TokenEndpointTest.login(server.get());
    String alice = session.getString("access_token");
    String mine = "ticket-" + System.nanoTime();
    String other = "other-" + System.nanoTime();
    server.api().create(alice, new JsonObject().put("id", mine));
    server.api().create(alice, new JsonObject().put("id", other));
    String page = scoped(alice, mine, null);

    assertThat(server.api().get("/api/v1/workflows/" + mine, page).statusCode()).isEqualTo(200);
    assertThat(server.api().get("/api/v1/workflows/" + mine + "/events", page).statusCode()).isEqualTo(200);
    var elsewhere = server.api().get("/api/v1/workflows/" + other, page);
    assertThat(elsewhere.statusCode()).isEqualTo(403);
    assertThat(elsewhere.bodyAsJsonObject().getString("detail")).contains("limited to workflow '" + mine + "'");
    assertThat(server.api().get("/api/v1/workflows", page).statusCode()).as("no listing").isEqualTo(403);
    assertThat(server.api().patch("/api/v1/workflows/" + mine, page, new JsonObject().put("status", "x"), null)
        .statusCode()).as("read-only").isEqualTo(403);
    assertThat(server.api().post("/api/v1/workflows", page, new JsonObject().put("id", mine + "-2")).statusCode())
        .isEqualTo(403);

    try (SseClient stream = server.stream("/api/v1/workflows/" + mine + "/stream", page, null)) {
      assertThat(stream.next("snapshot", 5).json().getString("id")).isEqualTo(mine);
    }
    try (SseClient stream = server.stream("/api/v1/workflows/" + other + "/stream", page, null)) {
      assertThat(stream.status()).isEqualTo(403);
    }
    try (SseClient stream = server.stream("/api/v1/stream?workflow=" + mine + "&workflow=" + other, page, null)) {
      assertThat(stream.status()).isEqualTo(403);
    }
    try (SseClient feed = server.stream("/api/v1/feed", page, null)) {
      assertThat(feed.status()).as("no tenant feed: it would show every workflow").isEqualTo(403);
    }
    try (BridgeClient bridge = BridgeClient.tcp(TCP)) {
      bridge.register("flowcast.events." + mine, page, null);
      assertThat(bridge.next(5).getJsonObject("body").getString("type")).isEqualTo("snapshot");
      bridge.register("flowcast.events." + other, page, null);
      assertThat(bridge.next(5).getInteger("failureCode")).isEqualTo(403);
      assertThat(bridge.call("flowcast.workflow.get", page, new JsonObject().put("id", other))
          .getInteger("failureCode")).isEqualTo(403);
      assertThat(bridge.call("flowcast.workflow.list", page, new JsonObject()).getInteger("failureCode"))
          .isEqualTo(403);
    }
  }

  @Test
  void anAnswerOnlyTokenReadsItsWorkflowAndAnswersItsInterruptsAndNothingElse() {
    String alice = TokenEndpointTest.login(server.get()).getString("access_token");
    String mine = "approve-" + System.nanoTime();
    String other = "other-" + System.nanoTime();
    String wf = "/api/v1/workflows/" + mine;
    server.api().create(alice, new JsonObject().put("id", mine));
    server.api().create(alice, new JsonObject().put("id", other));
    String first = server.api().post(wf + "/interrupts", alice, new JsonObject().put("kind", "approve")
        .put("prompt", "ok?")).bodyAsJsonObject().getString("id");
    String second = server.api().post(wf + "/interrupts", alice, new JsonObject().put("kind", "approve")
        .put("prompt", "and this?")).bodyAsJsonObject().getString("id");
    String otherInterrupt = server.api().post("/api/v1/workflows/" + other + "/interrupts", alice,
        new JsonObject().put("kind", "approve").put("prompt", "?")).bodyAsJsonObject().getString("id");
    String page = scoped(alice, mine, "interrupts:answer");

    assertThat(server.api().get(wf, page).statusCode()).isEqualTo(200);
    assertThat(server.api().get(wf + "/events", page).statusCode()).isEqualTo(200);
    assertThat(server.api().get(wf + "/interrupts?status=open", page).bodyAsJsonObject().getJsonArray("items"))
        .hasSize(2);
    assertThat(server.api().post(wf + "/interrupts/" + first + "/resolve", page, new JsonObject().put("value", "yes"))
        .statusCode()).isEqualTo(200);
    var raise = server.api().post(wf + "/interrupts", page, new JsonObject().put("kind", "x").put("prompt", "?"));
    assertThat(raise.statusCode()).as("no raising").isEqualTo(403);
    assertThat(raise.bodyAsJsonObject().getString("detail")).contains("workflows:write");
    assertThat(server.api().patch(wf, page, new JsonObject().put("status", "completed"), null).statusCode())
        .as("no other change").isEqualTo(403);
    assertThat(server.api().post(wf + "/events", page, new JsonObject().put("type", "note")).statusCode())
        .isEqualTo(403);
    assertThat(server.api().post(wf + "/cancel", page, new JsonObject()).statusCode()).isEqualTo(403);
    assertThat(server.api().post(wf + "/actions", page, new JsonObject().put("type", "x")).statusCode())
        .isEqualTo(403);
    assertThat(server.api().post("/api/v1/workflows/" + other + "/interrupts/" + otherInterrupt + "/resolve", page,
        new JsonObject().put("value", "yes")).statusCode()).as("another workflow").isEqualTo(403);
    assertThat(server.api().get("/api/v1/workflows", page).statusCode()).isEqualTo(403);

    try (SseClient stream = server.stream(wf + "/stream", page, null)) {
      assertThat(stream.next("snapshot", 5).json().getString("status")).isEqualTo("waiting");
    }
    try (BridgeClient bridge = BridgeClient.tcp(TCP)) {
      bridge.register("flowcast.events." + mine, page, null);
      assertThat(bridge.next(5).getJsonObject("body").getString("type")).isEqualTo("snapshot");
      JsonObject answered = bridge.call("flowcast.workflow.interrupt.resolve", page, new JsonObject().put("id", mine)
          .put("interrupt_id", second).put("body", new JsonObject().put("value", "yes")));
      assertThat(answered.getJsonObject("body").getJsonObject("interrupt").getString("status")).isEqualTo("resolved");
      assertThat(bridge.call("flowcast.workflow.interrupt.raise", page, new JsonObject().put("id", mine)
          .put("body", new JsonObject().put("kind", "x").put("prompt", "?"))).getInteger("failureCode"))
          .isEqualTo(403);
      assertThat(bridge.call("flowcast.workflow.patch", page, new JsonObject().put("id", mine)
          .put("patch", new JsonObject().put("status", "completed"))).getInteger("failureCode")).isEqualTo(403);
      assertThat(bridge.call("flowcast.workflow.interrupt.resolve", page, new JsonObject().put("id", other)
          .put("interrupt_id", otherInterrupt).put("body", new JsonObject().put("value", "yes")))
          .getInteger("failureCode")).isEqualTo(403);
    }
    assertThat(server.api().get(wf, alice).bodyAsJsonObject().getString("status"))
        .as("both answered: running again").isEqualTo("running");
    String readOnly = scoped(alice, mine, null);
    assertThat(server.api().post(wf + "/interrupts/" + first + "/resolve", readOnly,
        new JsonObject().put("value", "no")).statusCode()).as("a read-only token does not answer").isEqualTo(403);
  }

  @Test
  void aPrefixTokenWithWriteCoversItsPrefixOnly() {
    String alice = TokenEndpointTest.login(server.get()).getString("access_token");
    String prefix = "case" + System.nanoTime() + "-";
    server.api().create(alice, new JsonObject().put("id", prefix + "a"));
    server.api().create(alice, new JsonObject().put("id", "x" + prefix + "b"));
    String worker = scoped(alice, prefix + "*", "workflows:read workflows:write");
    assertThat(server.api().post("/api/v1/workflows/" + prefix + "a/events", worker,
        new JsonObject().put("type", "note")).statusCode()).isEqualTo(201);
    assertThat(server.api().post("/api/v1/workflows/x" + prefix + "b/events", worker,
        new JsonObject().put("type", "note")).statusCode()).isEqualTo(403);
    assertThat(exchange(worker, "x" + prefix + "b", null).statusCode())
        .as("a limited token cannot grant beyond its own limit").isEqualTo(400);
    assertThat(exchange(worker, prefix + "a", null).statusCode()).as("but may narrow it").isEqualTo(200);
  }

  @Test
  void badExchangesAreRefused() {
    String alice = TokenEndpointTest.login(server.get()).getString("access_token");
    String readOnly = server.token("rita", "acme", "workflows:read");
    assertThat(exchange("not-a-token", "w1", null).bodyAsJsonObject().getString("error")).isEqualTo("invalid_request");
    assertThat(exchange(alice, "*", null).bodyAsJsonObject().getString("error")).isEqualTo("invalid_request");
    assertThat(exchange(alice, "a b", null).bodyAsJsonObject().getString("error")).isEqualTo("invalid_request");
    assertThat(exchange(alice, "w1", "admin").bodyAsJsonObject().getString("error")).isEqualTo("invalid_scope");
    assertThat(exchange(readOnly, "w1", "workflows:write").bodyAsJsonObject().getString("error"))
        .isEqualTo("invalid_scope");
    assertThat(exchange(readOnly, "w1", "interrupts:answer").bodyAsJsonObject().getString("error"))
        .as("reading does not grant answering").isEqualTo("invalid_scope");
    var missingType = TokenEndpointTest.form(server.get(), "/api/v1/auth/token", TokenEndpointTest.fields(
        "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token", alice, "workflow", "w1"), null);
    assertThat(missingType.statusCode()).isEqualTo(400);
  }

  @Test
  void aTokenWhoseWorkflowLimitIsMalformedIsRefused() {
    var config = server.config();
    var jwt = JwtSupport.provider(server.vertx(), config);
    for (Object limit : new Object[] {"*", "a b*", 42, ""}) {
      var options = new io.vertx.ext.auth.JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(60)
          .setIssuer(config.jwtIssuer()).addAudience(config.jwtAudience());
      String token = jwt.generateToken(new JsonObject().put("sub", "eve").put("tenant", "acme")
          .put("scope", TestServer.RW).put("wf", limit), options);
      var answer = server.api().get("/api/v1/workflows/w1", token);
      assertThat(answer.statusCode()).as("wf=" + limit).isEqualTo(401);
      assertThat(answer.bodyAsJsonObject().getString("detail")).contains("'wf' claim");
    }
  }

  @Test
  void anExchangedTokenLivesBrieflyAndEndsWithItsSession() {
    JsonObject session = TokenEndpointTest.login(server.get());
    String alice = session.getString("access_token");
    String id = "brief-" + System.nanoTime();
    server.api().create(alice, new JsonObject().put("id", id));
    var answer = exchange(alice, id, null).bodyAsJsonObject();
    assertThat(answer.getLong("expires_in")).isBetween(1L, 120L);
    String page = answer.getString("access_token");
    String shortSubject = server.token("bob", "acme", TestServer.RW, 20);
    assertThat(exchange(shortSubject, id, null).bodyAsJsonObject().getLong("expires_in"))
        .as("never beyond the subject token").isLessThanOrEqualTo(20);

    assertThat(server.api().get("/api/v1/workflows/" + id, page).statusCode()).isEqualTo(200);
    assertThat(TokenEndpointTest.form(server.get(), "/api/v1/auth/revoke",
        TokenEndpointTest.fields("token", session.getString("refresh_token")), null).statusCode()).isEqualTo(200);
    assertThat(server.api().get("/api/v1/workflows/" + id, page).statusCode()).as("its session was revoked")
        .isEqualTo(401);
  }
}
