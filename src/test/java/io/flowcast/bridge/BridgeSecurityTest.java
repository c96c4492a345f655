package io.flowcast.bridge;

import io.flowcast.auth.TokenEndpointTest;
import io.flowcast.testsupport.BridgeClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static io.flowcast.testsupport.TestServer.RW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rule of the bridge's security (docs/EVENTBUS.md), each with input that must be refused: tokens,
 * scopes, tenants, the address allow-list, malformed and oversized frames, and the end of access.
 */
class BridgeSecurityTest {
  static final int TCP = TestServer.freePort();
  static final int MAX_FRAME = 4096;

  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("bridge.tcp.port", TCP)
      .put("bridge.max_frame_bytes", MAX_FRAME));

  private static String id(String prefix) {
    return prefix + "-" + System.nanoTime();
  }

  private static JsonObject create(String id) {
    return new JsonObject().put("body", new JsonObject().put("id", id));
  }

  private static int httpStatus(String path, String token) {
    return server.api().get(path, token).statusCode();
  }

  @Test
  void aCommandWithoutAValidTokenIsRefusedAndDoesNothing() {
    String id = id("notoken");
    String good = server.token("bob", "t-sec", RW);
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      JsonObject none = client.call("flowcast.workflow.create", null, create(id));
      assertThat(none.getString("type")).isEqualTo("err");
      assertThat(none.getInteger("failureCode")).isEqualTo(401);
      JsonObject forged = client.call("flowcast.workflow.create", good.substring(0, good.length() - 4) + "AAAA",
          create(id));
      assertThat(forged.getInteger("failureCode")).isEqualTo(401);
      JsonObject garbage = client.call("flowcast.workflow.create", "not-a-jwt", create(id));
      assertThat(garbage.getInteger("failureCode")).isEqualTo(401);
      JsonObject notBearer = client.send(new JsonObject().put("type", "send").put("address", "flowcast.workflow.create")
          .put("replyAddress", "r1").put("body", create(id)).put("headers", new JsonObject().put("authorization", good)))
          .next(f -> "r1".equals(f.getString("address")), 5);
      assertThat(notBearer.getInteger("failureCode")).as("the token must be a Bearer value").isEqualTo(401);
      String expired = server.token("bob", "t-sec", RW, -120);
      assertThat(client.call("flowcast.workflow.create", expired, create(id)).getInteger("failureCode")).isEqualTo(401);
      assertThat(client.socket().isClosed()).isFalse();
    }
    assertThat(httpStatus("/api/v1/workflows/" + id, good)).as("nothing was created").isEqualTo(404);
  }

  @Test
  void scopesApplyAsOnHttp() {
    String id = id("scope");
    String writer = server.token("bob", "t-scope", RW);
    String reader = server.token("rita", "t-scope", "workflows:read");
    String nothing = server.token("nora", "t-scope", "");
    server.api().create(writer, new JsonObject().put("id", id).put("state", new JsonObject().put("x", 1)));
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      JsonObject patch = client.call("flowcast.workflow.patch", reader, new JsonObject().put("id", id)
          .put("patch", new JsonObject().put("state", new JsonObject().put("x", 2))));
      assertThat(patch.getInteger("failureCode")).isEqualTo(403);
      assertThat(patch.getString("message")).contains("workflows:write");
      assertThat(client.call("flowcast.workflow.get", reader, new JsonObject().put("id", id))
          .getString("type")).isEqualTo("message");
      assertThat(client.call("flowcast.workflow.get", nothing, new JsonObject().put("id", id))
          .getInteger("failureCode")).isEqualTo(403);
      client.register("flowcast.events." + id, nothing, null);
      assertThat(client.next(5).getInteger("failureCode")).as("register needs workflows:read").isEqualTo(403);
    }
    assertThat(server.api().get("/api/v1/workflows/" + id, writer).bodyAsJsonObject().getJsonObject("state")
        .getInteger("x")).isEqualTo(1);
  }

  @Test
  void theTenantComesFromTheTokenAndAnotherTenantIsOutOfReach() {
    String id = id("tenant");
    String alpha = server.token("ann", "t-alpha", RW);
    String beta = server.token("ben", "t-beta", RW);
    server.api().create(alpha, new JsonObject().put("id", id).put("state", new JsonObject().put("owner", "alpha")));
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      JsonObject named = client.call("flowcast.workflow.patch", beta, new JsonObject().put("tenant", "t-alpha")
          .put("id", id).put("patch", new JsonObject().put("state", new JsonObject().put("owner", "beta"))));
      assertThat(named.getInteger("failureCode")).as("a body naming another tenant").isEqualTo(403);
      JsonObject actor = client.call("flowcast.workflow.event.append", beta, new JsonObject().put("actor", "ann")
          .put("id", id).put("event", new JsonObject().put("type", "x")));
      assertThat(actor.getInteger("failureCode")).as("a body naming another actor").isEqualTo(403);
      assertThat(client.call("flowcast.workflow.get", beta, new JsonObject().put("id", id))
          .getInteger("failureCode")).as("another tenant's workflow does not exist for beta").isEqualTo(404);
      client.register("flowcast.events." + id, beta, null);
      assertThat(client.next(5).getInteger("failureCode")).isEqualTo(404);

      // beta's own workflow of the same id: its registration sees beta's events only
      server.api().create(beta, new JsonObject().put("id", id));
      client.register("flowcast.events." + id, beta, null);
      assertThat(client.next(5).getJsonObject("body").getString("type")).isEqualTo("snapshot");
      server.api().post("/api/v1/workflows/" + id + "/events", alpha, new JsonObject().put("type", "alpha.secret"));
      server.api().post("/api/v1/workflows/" + id + "/events", beta, new JsonObject().put("type", "beta.own"));
      assertThat(client.next(5).getJsonObject("body").getString("type")).isEqualTo("beta.own");
      assertThat(client.poll(300)).isNull();
    }
    assertThat(server.api().get("/api/v1/workflows/" + id, alpha).bodyAsJsonObject().getJsonObject("state")
        .getString("owner")).isEqualTo("alpha");
  }

  @ParameterizedTest
  @ValueSource(strings = {"flowcast.workflow.expired", "flowcast.flush.now", "flowcast.flush.write",
      "flowcast.auth.token", "flowcast.auth.revoke", "flowcast.fanout.subscribe", "flowcast.sse.deliver",
      "flowcast.sse.resync", "flowcast.system.instances", "flowcast.lifecycle.drain", "flowcast.events.x", "nope"})
  void onlyTheDocumentedAddressesAreReachable(String address) {
    String id = id("allow");
    String admin = server.token("root", "t-allow", "admin");
    server.api().create(admin, new JsonObject().put("id", id));
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      JsonObject refused = client.call(address, admin, new JsonObject().put("tenant", "t-allow").put("id", id));
      assertThat(refused.getInteger("failureCode")).isEqualTo(403);
      assertThat(refused.getString("message")).startsWith("access_denied");
      client.send(new JsonObject().put("type", "publish").put("address", address).put("body", new JsonObject()
          .put("tenant", "t-allow").put("id", id)).put("headers", new JsonObject().put("authorization", "Bearer " + admin)));
      assertThat(client.next(5).getInteger("failureCode")).as("publish is never accepted").isEqualTo(403);
      client.register(address, admin, null);
      assertThat(client.next(5).getInteger("failureCode")).isIn(403, 404);
    }
    var workflow = server.api().get("/api/v1/workflows/" + id, admin);
    assertThat(workflow.statusCode()).isEqualTo(200);
    assertThat(server.api().get("/api/v1/workflows/" + id + "/events", admin).bodyAsJsonObject()
        .getJsonArray("events")).as("no expiry or other event was announced").hasSize(1);
  }

  @Test
  void badFieldsAreRefusedWithoutClosing() {
    String token = server.token("bob", "t-fields", RW);
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      assertThat(client.call("flowcast.workflow.get", token, new JsonObject().put("id", "../x"))
          .getInteger("failureCode")).isEqualTo(400);
      assertThat(client.call("flowcast.workflow.get", token, new JsonObject().put("id", "a").put("request_id", "r"))
          .getString("message")).contains("unknown field 'request_id'");
      assertThat(client.call("flowcast.workflow.patch", token, new JsonObject().put("id", "a")
          .put("patch", new JsonObject()).put("if_match", "1")).getInteger("failureCode")).isEqualTo(400);
      assertThat(client.call("flowcast.workflow.events.read", token, new JsonObject().put("id", "a").put("limit", -1))
          .getInteger("failureCode")).isEqualTo(400);
      client.send(new JsonObject().put("type", "send").put("address", "flowcast.workflow.get").put("replyAddress", "rb")
          .put("body", "a string").put("headers", new JsonObject().put("authorization", "Bearer " + token)));
      assertThat(client.next(f -> "rb".equals(f.getString("address")), 5).getInteger("failureCode")).isEqualTo(400);
      client.register("flowcast.events.bad id", token, null);
      assertThat(client.next(5).getInteger("failureCode")).isEqualTo(400);
      client.send(new JsonObject().put("type", "ping"));
      assertThat(client.next(5).getString("type")).as("the connection stays").isEqualTo("pong");
    }
  }

  private static byte[] framed(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).array();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[1,2]", "\"text\"", "{}", "{\"type\":7}", "{\"type\":\"teleport\"}",
      "{\"type\":\"send\"}", "{\"type\":\"send\",\"address\":5}", "{\"type\":\"register\",\"address\":\"\"}",
      "{\"type\":\"send\",\"address\":\"flowcast.workflow.get\",\"headers\":[]}", "null"})
  void aMalformedFrameGetsAnErrFrameAndClosesTheConnection(String json) {
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.raw(framed(json));
      JsonObject err = client.next(5);
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getInteger("failureCode")).isEqualTo(400);
      assertThat(err.getJsonObject("body").getString("type")).isEqualTo("urn:flowcast:problem:bad-request");
      assertThat(client.awaitClose(5)).as("closed after " + json).isTrue();
    }
  }

  @Test
  void badLengthsAndOversizedFramesAreRefusedBeforeBeingBuffered() {
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.raw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
      JsonObject err = client.next(5);
      assertThat(err.getInteger("failureCode")).isEqualTo(413);
      assertThat(client.awaitClose(5)).isTrue();
    }
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.raw(ByteBuffer.allocate(4).putInt(-5).array());
      assertThat(client.next(5).getInteger("failureCode")).isEqualTo(400);
      assertThat(client.awaitClose(5)).isTrue();
    }
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.raw(framed("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(MAX_FRAME) + "\"}"));
      assertThat(client.next(5).getInteger("failureCode")).isEqualTo(413);
      assertThat(client.awaitClose(5)).isTrue();
    }
    try (BridgeClient client = BridgeClient.webSocket(server.vertx(), server.port())) {
      client.rawText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(MAX_FRAME) + "\"}");
      assertThat(client.next(5).getInteger("failureCode")).isEqualTo(413);
      assertThat(client.awaitClose(5)).isTrue();
    }
    try (BridgeClient client = BridgeClient.webSocket(server.vertx(), server.port())) {
      client.rawText("{broken");
      assertThat(client.next(5).getInteger("failureCode")).isEqualTo(400);
      assertThat(client.awaitClose(5)).isTrue();
    }
  }

  @Test
  void aMalformedFrameEndsTheConnectionsRegistrations() {
    String token = server.token("bob", "t-mal", RW);
    String id = id("mal");
    server.api().create(token, new JsonObject().put("id", id));
    double before = server.api().metric("flowcast_sse_streams_open");
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.register("flowcast.events." + id, token, null);
      client.next(5);
      assertThat(server.api().metric("flowcast_sse_streams_open")).isEqualTo(before + 1);
      client.raw(framed("{oops"));
      assertThat(client.awaitClose(5)).isTrue();
    }
    io.flowcast.testsupport.Eventually.await("the registration ended", java.time.Duration.ofSeconds(5),
        () -> server.api().metric("flowcast_sse_streams_open"), open -> open == before);
  }

  @Test
  void aRegistrationEndsWhenItsTokenExpires() {
    String writer = server.token("bob", "t-exp", RW);
    String shortLived = server.token("bob", "t-exp", RW, 2);
    String id = id("exp");
    server.api().create(writer, new JsonObject().put("id", id));
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.register("flowcast.events." + id, shortLived, null);
      assertThat(client.next(5).getJsonObject("body").getString("type")).isEqualTo("snapshot");
      JsonObject ended = client.next(f -> "err".equals(f.getString("type")), 6);
      assertThat(ended.getString("address")).isEqualTo("flowcast.events." + id);
      assertThat(ended.getString("code")).isEqualTo("expired");
      assertThat(ended.getInteger("failureCode")).isEqualTo(401);
      server.api().post("/api/v1/workflows/" + id + "/events", writer, new JsonObject().put("type", "after"));
      assertThat(client.poll(500)).as("nothing after the end of access").isNull();
      client.send(new JsonObject().put("type", "ping"));
      assertThat(client.next(5).getString("type")).as("the connection itself stays").isEqualTo("pong");
    }
  }

  @Test
  void aRegistrationEndsWhenItsSessionIsRevoked() {
    JsonObject session = TokenEndpointTest.login(server.get());
    String access = session.getString("access_token");
    String id = id("revoke");
    server.api().create(access, new JsonObject().put("id", id));
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.register("flowcast.events." + id, access, null);
      assertThat(client.next(5).getJsonObject("body").getString("type")).isEqualTo("snapshot");
      assertThat(TokenEndpointTest.form(server.get(), "/api/v1/auth/revoke",
          TokenEndpointTest.fields("token", session.getString("refresh_token")), null).statusCode()).isEqualTo(200);
      JsonObject ended = client.next(f -> "err".equals(f.getString("type")), 5);
      assertThat(ended.getString("code")).isEqualTo("revoked");
      assertThat(client.call("flowcast.workflow.get", access, new JsonObject().put("id", id))
          .getInteger("failureCode")).as("the session's token is refused from now on").isEqualTo(401);
    }
  }
}
