package io.flowcast.bridge;

import io.flowcast.auth.JwtSupport;
import io.flowcast.testsupport.BridgeClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fork and presence over the bridge (docs/EVENTBUS.md): answered as on HTTP; presence in the caller's name
 * with a read-only token, a fork refused to a token limited to some workflows (it creates one).
 */
class BridgeForkAndPresenceTest {
  static final int TCP = TestServer.freePort();

  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("bridge.tcp.port", TCP));

  @Test
  void aForkIsAnsweredAsOnHttpAndRefusedToALimitedToken() {
    String tenant = "t-bfork-" + System.nanoTime();
    String token = server.token("bob", tenant, TestServer.RW);
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.call("flowcast.workflow.create", token, new JsonObject().put("body", new JsonObject().put("id", "src")
          .put("state", new JsonObject().put("n", 1))));
      client.call("flowcast.workflow.patch", token, new JsonObject().put("id", "src")
          .put("patch", new JsonObject().put("state", new JsonObject().put("n", 2))));

      JsonObject forked = client.call("flowcast.workflow.fork", token, new JsonObject().put("id", "src")
          .put("body", new JsonObject().put("version", 1).put("id", "branch")));
      JsonObject workflow = forked.getJsonObject("body").getJsonObject("workflow");
      assertThat(workflow.getString("id")).isEqualTo("branch");
      assertThat(workflow.getJsonObject("state")).isEqualTo(new JsonObject().put("n", 1));
      assertThat(workflow.getJsonObject("metadata").getJsonObject("forked_from"))
          .isEqualTo(new JsonObject().put("id", "src").put("version", 1));

      JsonObject taken = client.call("flowcast.workflow.fork", token, new JsonObject().put("id", "src")
          .put("body", new JsonObject().put("version", 1).put("id", "branch")));
      assertThat(taken.getInteger("failureCode")).isEqualTo(409);
      JsonObject limited = client.call("flowcast.workflow.fork", limitedTo(tenant, "src"), new JsonObject()
          .put("id", "src").put("body", new JsonObject().put("version", 1).put("id", "other")));
      assertThat(limited.getInteger("failureCode")).isEqualTo(403);
      assertThat(server.api().get("/api/v1/workflows/other", token).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void presenceIsSetListedAndLeftInTheCallersName() {
    String tenant = "t-bpres-" + System.nanoTime();
    String writer = server.token("alice", tenant, TestServer.RW);
    String reader = server.token("bob", tenant, "workflows:read");
    server.api().create(writer, new JsonObject().put("id", "doc"));
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      JsonObject set = client.call("flowcast.workflow.presence.set", reader, new JsonObject().put("id", "doc")
          .put("body", new JsonObject().put("status", "typing")));
      JsonArray members = set.getJsonObject("body").getJsonArray("members");
      assertThat(members).hasSize(1);
      assertThat(members.getJsonObject(0).getString("subject")).isEqualTo("bob");
      assertThat(members.getJsonObject(0).getString("status")).isEqualTo("typing");

      JsonObject forged = client.call("flowcast.workflow.presence.set", reader, new JsonObject().put("id", "doc")
          .put("actor", "mallory"));
      assertThat(forged.getInteger("failureCode")).isEqualTo(400);
      JsonObject listed = client.call("flowcast.workflow.presence.list", writer, new JsonObject().put("id", "doc"));
      assertThat(listed.getJsonObject("body").getJsonArray("members")).isEqualTo(members);
      JsonObject left = client.call("flowcast.workflow.presence.leave", reader, new JsonObject().put("id", "doc"));
      assertThat(left.getJsonObject("body").getJsonArray("members")).isEmpty();
      JsonObject missing = client.call("flowcast.workflow.presence.list", reader, new JsonObject().put("id", "nope"));
      assertThat(missing.getInteger("failureCode")).isEqualTo(404);
    }
    var events = server.api().get("/api/v1/workflows/doc/events", writer).bodyAsJsonObject().getJsonArray("events");
    assertThat(events.stream().map(e -> ((JsonObject) e).getString("type")).toList())
        .containsExactly("workflow.created", "presence.joined", "presence.left");
    assertThat(events.getJsonObject(1).getString("actor")).isEqualTo("bob");
  }

  private static String limitedTo(String tenant, String workflow) {
    var config = server.config();
    var options = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(600).setIssuer(config.jwtIssuer())
        .addAudience(config.jwtAudience());
    return JwtSupport.provider(server.vertx(), config).generateToken(new JsonObject().put("sub", "page")
        .put("tenant", tenant).put("scope", TestServer.RW).put("wf", workflow), options);
  }
}
