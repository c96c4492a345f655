package io.flowcast.http;

import io.flowcast.auth.JwtSupport;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fork over real HTTP (docs/API.md, "Fork"), the same on every backend: a new workflow from another's
 * version N, its parent recorded in its metadata and its created event, the original untouched; the
 * refusals (400, 403, 404, 409, 410) change nothing; an Idempotency-Key replays the fork.
 */
abstract class ForkContract {
  static final String WORKFLOWS = "/api/v1/workflows";
  static final int RETENTION = 50;

  abstract StartedServer server();

  private String tenant;
  private String token;

  @BeforeEach
  void newTenant() {
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    token = server().token("alice", tenant, TestServer.RW);
  }

  private HttpResponse<Buffer> fork(String source, JsonObject body) {
    return server().api().post(WORKFLOWS + "/" + source + "/fork", token, body);
  }

  private JsonObject get(String id) {
    HttpResponse<Buffer> response = server().api().get(WORKFLOWS + "/" + id, token);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private JsonArray events(String id) {
    return server().api().get(WORKFLOWS + "/" + id + "/events", token).bodyAsJsonObject().getJsonArray("events");
  }

  /** src at version 3: created with state {step: 1}, then {step: 2} and status running, then {step: 3}. */
  private void source() {
    server().api().create(token, new JsonObject().put("id", "src").put("state", new JsonObject().put("step", 1))
        .put("metadata", new JsonObject().put("owner", "ops")).put("ttl_seconds", 900));
    server().api().patch(WORKFLOWS + "/src", token, new JsonObject().put("status", "running")
        .put("state", new JsonObject().put("step", 2)), null);
    server().api().patch(WORKFLOWS + "/src", token, new JsonObject().put("state", new JsonObject().put("step", 3))
        .put("metadata", new JsonObject().put("owner", "dev")), null);
  }

  @Test
  void aForkStartsFromTheVersionAndRecordsItsParent() {
    source();
    HttpResponse<Buffer> forked = fork("src", new JsonObject().put("version", 2).put("id", "branch"));

    assertThat(forked.statusCode()).as(forked.bodyAsString()).isEqualTo(201);
    assertThat(forked.getHeader("Location")).isEqualTo(WORKFLOWS + "/branch");
    assertThat(forked.getHeader("ETag")).isEqualTo("\"1\"");
    JsonObject branch = forked.bodyAsJsonObject();
    JsonObject parent = new JsonObject().put("id", "src").put("version", 2);
    assertThat(branch.getString("id")).isEqualTo("branch");
    assertThat(branch.getLong("version")).isEqualTo(1);
    assertThat(branch.getString("status")).isEqualTo("running");
    assertThat(branch.getJsonObject("state")).isEqualTo(new JsonObject().put("step", 2));
    assertThat(branch.getJsonObject("metadata")).isEqualTo(new JsonObject().put("owner", "ops")
        .put("forked_from", parent));
    // the source's TTL (900 s), not the default
    assertThat(java.time.Duration.between(java.time.Instant.parse(branch.getString("created_at")),
        java.time.Instant.parse(branch.getString("expires_at"))).toSeconds()).isEqualTo(900);
    JsonObject read = get("branch");
    assertThat(read).isEqualTo(branch.copy().put("expires_at", read.getString("expires_at")));

    JsonArray log = events("branch");
    assertThat(log).hasSize(1);
    JsonObject created = log.getJsonObject(0);
    assertThat(created.getString("type")).isEqualTo("workflow.created");
    assertThat(created.getString("actor")).isEqualTo("alice");
    assertThat(created.getJsonObject("data").getJsonObject("forked_from")).isEqualTo(parent);
    assertThat(created.getJsonObject("data").getJsonObject("state")).isEqualTo(new JsonObject().put("step", 2));

    // the two go their own ways: a change of the branch leaves the source as it was
    assertThat(server().api().patch(WORKFLOWS + "/branch", token, new JsonObject().put("state",
        new JsonObject().put("step", "b")), null).statusCode()).isEqualTo(200);
    JsonObject src = get("src");
    assertThat(src.getLong("version")).isEqualTo(3);
    assertThat(src.getJsonObject("state")).isEqualTo(new JsonObject().put("step", 3));
    assertThat(events("src")).hasSize(3);
  }

  @Test
  void aForkMayNameItsStatusAndForksOfForksNameTheirOwnParent() {
    source();
    assertThat(fork("src", new JsonObject().put("version", 3).put("id", "b1").put("status", "waiting"))
        .statusCode()).isEqualTo(201);
    assertThat(get("b1").getString("status")).isEqualTo("waiting");
    HttpResponse<Buffer> again = fork("b1", new JsonObject().put("version", 1).put("id", "b2"));
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(201);
    assertThat(get("b2").getJsonObject("metadata").getJsonObject("forked_from"))
        .isEqualTo(new JsonObject().put("id", "b1").put("version", 1));
    assertThat(get("b2").getJsonObject("state")).isEqualTo(new JsonObject().put("step", 3));
  }

  @Test
  void refusalsAreProblemsAndChangeNothing() {
    source();
    server().api().create(token, new JsonObject().put("id", "taken").put("state", new JsonObject().put("mine", 1)));
    record Case(int status, String source, String body) {
    }
    List<Case> cases = List.of(
        new Case(400, "src", "{\"version\":0,\"id\":\"x1\"}"),
        new Case(400, "src", "{\"version\":1.5,\"id\":\"x1\"}"),
        new Case(400, "src", "{\"version\":\"1\",\"id\":\"x1\"}"),
        new Case(400, "src", "{\"version\":1}"),
        new Case(400, "src", "{\"id\":\"x1\"}"),
        new Case(400, "src", "{\"version\":1,\"id\":\"a b\"}"),
        new Case(400, "src", "{\"version\":1,\"id\":\"x1\",\"status\":\"nope\"}"),
        new Case(400, "src", "{\"version\":1,\"id\":\"x1\",\"state\":{}}"),
        new Case(400, "src", "[1]"),
        new Case(400, "src", "{"),
        new Case(400, "src", ""),
        new Case(404, "src", "{\"version\":4,\"id\":\"x1\"}"),
        new Case(404, "nope", "{\"version\":1,\"id\":\"x1\"}"),
        new Case(409, "src", "{\"version\":1,\"id\":\"taken\"}"),
        new Case(409, "src", "{\"version\":1,\"id\":\"src\"}"));
    for (Case c : cases) {
      HttpResponse<Buffer> answer = server().api().send(HttpMethod.POST, WORKFLOWS + "/" + c.source() + "/fork",
          token, Buffer.buffer(c.body()), "application/json");
      assertThat(answer.statusCode()).as("%s %s: %s", c.source(), c.body(), answer.bodyAsString())
          .isEqualTo(c.status());
      assertThat(answer.getHeader("Content-Type")).isEqualTo("application/problem+json");
    }
    assertThat(server().api().get(WORKFLOWS + "/x1", token).statusCode()).isEqualTo(404);
    assertThat(get("taken").getJsonObject("state")).isEqualTo(new JsonObject().put("mine", 1));
    assertThat(get("src").getLong("version")).isEqualTo(3);

    // another tenant's workflow of the same id is unknown; a token limited to some workflows may not fork
    String other = server().token("bob", "t-other-" + tenant, TestServer.RW);
    assertThat(server().api().post(WORKFLOWS + "/src/fork", other, new JsonObject().put("version", 1)
        .put("id", "x2")).statusCode()).isEqualTo(404);
    assertThat(server().api().post(WORKFLOWS + "/src/fork", limitedTo("src"), new JsonObject().put("version", 1)
        .put("id", "x2")).statusCode()).isEqualTo(403);
    assertThat(server().api().post(WORKFLOWS + "/src/fork", server().token("rita", tenant, "workflows:read"),
        new JsonObject().put("version", 1).put("id", "x2")).statusCode()).isEqualTo(403);
    assertThat(server().api().get(WORKFLOWS + "/x2", token).statusCode()).isEqualTo(404);
  }

  @Test
  void aVersionWhoseHistoryIsNoLongerKeptIs410() {
    server().api().create(token, new JsonObject().put("id", "long"));
    server().api().patch(WORKFLOWS + "/long", token, new JsonObject().put("state", new JsonObject().put("n", 1)), null);
    // Redis trims its streams approximately (whole nodes of 100 entries): enough events that the first go
    for (int i = 0; i < 5 * RETENTION + 20; i++) {
      server().api().post(WORKFLOWS + "/long/events", token, new JsonObject().put("type", "tick"));
    }
    HttpResponse<Buffer> gone = fork("long", new JsonObject().put("version", 1).put("id", "from-gone"));
    assertThat(gone.statusCode()).as(gone.bodyAsString()).isEqualTo(410);
    assertThat(gone.bodyAsJsonObject().getString("detail")).contains("version 1 of workflow 'long'");
    assertThat(server().api().get(WORKFLOWS + "/from-gone", token).statusCode()).isEqualTo(404);
    assertThat(fork("long", new JsonObject().put("version", 2).put("id", "from-now")).statusCode())
        .as("the current version is always there").isEqualTo(201);
  }

  @Test
  void anIdempotencyKeyReplaysTheForkAndRefusesAnotherBody() {
    source();
    MultiMap key = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", "\"fork-1\"");
    Buffer body = new JsonObject().put("version", 1).put("id", "keyed").toBuffer();
    HttpResponse<Buffer> first = server().api().send(HttpMethod.POST, WORKFLOWS + "/src/fork", token, body,
        "application/json", key);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> retry = server().api().send(HttpMethod.POST, WORKFLOWS + "/src/fork", token, body,
        "application/json", key);
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(retry.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    assertThat(retry.getHeader("Location")).isEqualTo(WORKFLOWS + "/keyed");
    assertThat(events("keyed")).as("created once").hasSize(1);

    HttpResponse<Buffer> changed = server().api().send(HttpMethod.POST, WORKFLOWS + "/src/fork", token,
        new JsonObject().put("version", 2).put("id", "keyed").toBuffer(), "application/json", key);
    assertThat(changed.statusCode()).isEqualTo(422);
    assertThat(get("keyed").getJsonObject("state")).isEqualTo(new JsonObject().put("step", 1));

    // a refused fork frees its key: the retry that can succeed does
    MultiMap second = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", "\"fork-2\"");
    Buffer toTaken = new JsonObject().put("version", 1).put("id", "later").toBuffer();
    assertThat(server().api().send(HttpMethod.POST, WORKFLOWS + "/nope/fork", token, toTaken, "application/json",
        second).statusCode()).isEqualTo(404);
    assertThat(server().api().send(HttpMethod.POST, WORKFLOWS + "/src/fork", token, toTaken, "application/json",
        second).statusCode()).isEqualTo(201);
  }

  private String limitedTo(String workflow) {
    var config = server().config();
    var options = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(600).setIssuer(config.jwtIssuer())
        .addAudience(config.jwtAudience());
    return JwtSupport.provider(server().vertx(), config).generateToken(new JsonObject().put("sub", "page")
        .put("tenant", tenant).put("scope", TestServer.RW).put("wf", workflow), options);
  }
}
