package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotency-Key over real HTTP (docs/API.md, "Idempotency-Key"), the same on every backend: a retry gets
 * the first answer without a second change, another request under the key is a 422, a bad key a 400.
 */
abstract class IdempotencyKeyContract {
  static final String WORKFLOWS = "/api/v1/workflows";

  abstract StartedServer server();

  /** Lets the configured {@code http.idempotency_ttl_ms} pass. */
  abstract void outliveTheTtl() throws InterruptedException;

  String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String key() {
    return "\"" + UUID.randomUUID() + "\"";
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, String token, JsonObject body, String key) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (key != null) {
      headers.add("Idempotency-Key", key);
    }
    String type = method == HttpMethod.PATCH ? "application/merge-patch+json" : "application/json";
    return server().api().send(method, path, token, body == null ? null : body.toBuffer(), body == null ? null : type,
        headers);
  }

  String writer(String tenant) {
    return server().token("writer", tenant, TestServer.RW);
  }

  JsonObject workflow(String token, String id) {
    return server().api().get(WORKFLOWS + "/" + id, token).bodyAsJsonObject();
  }

  JsonArray events(String token, String id) {
    return server().api().get(WORKFLOWS + "/" + id + "/events", token).bodyAsJsonObject().getJsonArray("events");
  }

  @Test
  void aRetriedPatchGetsTheFirstAnswerAndChangesOnce() {
    String token = writer(tenant());
    server().api().create(token, new JsonObject().put("id", "wf"));
    JsonObject patch = new JsonObject().put("state", new JsonObject().put("step", "draft"));
    String key = key();

    HttpResponse<Buffer> first = send(HttpMethod.PATCH, WORKFLOWS + "/wf", token, patch, key);
    HttpResponse<Buffer> retry = send(HttpMethod.PATCH, WORKFLOWS + "/wf", token, patch, key);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.bodyAsString()).isEqualTo(first.bodyAsString());
    assertThat(retry.getHeader("ETag")).isEqualTo(first.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(retry.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(retry.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(first.getHeader("Idempotent-Replayed")).isNull();
    assertThat(workflow(token, "wf").getLong("version")).isEqualTo(2);
    assertThat(events(token, "wf")).hasSize(2);
  }

  @Test
  void aRetriedCreateWithoutIdCreatesOneWorkflowAndAnswersTheSameLocation() {
    String token = writer(tenant());
    JsonObject spec = new JsonObject().put("state", new JsonObject().put("step", "triage"));
    String key = key();

    HttpResponse<Buffer> first = send(HttpMethod.POST, WORKFLOWS, token, spec, key);
    HttpResponse<Buffer> retry = send(HttpMethod.POST, WORKFLOWS, token, spec, key);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.getHeader("Location")).isEqualTo(first.getHeader("Location")).isNotNull();
    assertThat(retry.getHeader("ETag")).isEqualTo(first.getHeader("ETag"));
    assertThat(retry.bodyAsString()).isEqualTo(first.bodyAsString());
    assertThat(server().api().get(WORKFLOWS, token).bodyAsJsonObject().getJsonArray("items")).hasSize(1);
  }

  @Test
  void aRetriedCreateWithAnIdGetsTheFirstAnswerAndAnotherIdUnderTheKeyIs422() {
    String token = writer(tenant());
    String key = key();
    HttpResponse<Buffer> first = send(HttpMethod.POST, WORKFLOWS, token, new JsonObject().put("id", "named"), key);
    HttpResponse<Buffer> retry = send(HttpMethod.POST, WORKFLOWS, token, new JsonObject().put("id", "named"), key);
    HttpResponse<Buffer> other = send(HttpMethod.POST, WORKFLOWS, token, new JsonObject().put("id", "other"), key);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.bodyAsString()).isEqualTo(first.bodyAsString());
    assertThat(retry.getHeader("Location")).isEqualTo(first.getHeader("Location"));
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(server().api().get(WORKFLOWS, token).bodyAsJsonObject().getJsonArray("items")).hasSize(1);
  }

  @Test
  void aRetriedEventAndActionAreAppendedOnce() {
    String token = writer(tenant());
    server().api().create(token, new JsonObject().put("id", "wf"));
    JsonObject event = new JsonObject().put("type", "agent.thought").put("data", new JsonObject().put("n", 1));
    JsonObject action = new JsonObject().put("type", "summarize");
    String eventKey = key();
    String actionKey = key();

    HttpResponse<Buffer> published = send(HttpMethod.POST, WORKFLOWS + "/wf/events", token, event, eventKey);
    HttpResponse<Buffer> republished = send(HttpMethod.POST, WORKFLOWS + "/wf/events", token, event, eventKey);
    HttpResponse<Buffer> queued = send(HttpMethod.POST, WORKFLOWS + "/wf/actions", token, action, actionKey);
    HttpResponse<Buffer> requeued = send(HttpMethod.POST, WORKFLOWS + "/wf/actions", token, action, actionKey);

    assertThat(republished.statusCode()).isEqualTo(published.statusCode()).isEqualTo(201);
    assertThat(republished.bodyAsJsonObject()).isEqualTo(published.bodyAsJsonObject());
    assertThat(requeued.statusCode()).isEqualTo(queued.statusCode()).isEqualTo(201);
    assertThat(requeued.getHeader("Location")).isEqualTo(queued.getHeader("Location"));
    assertThat(server().api().get(WORKFLOWS + "/wf/actions", token).bodyAsJsonObject().getJsonArray("items"))
        .hasSize(1);
    // created, the custom event, action.queued
    assertThat(events(token, "wf")).hasSize(3);
  }

  @Test
  void aRetriedSnapshotAndRollbackAreMadeOnce() {
    String token = writer(tenant());
    server().api().create(token, new JsonObject().put("id", "wf").put("state", new JsonObject().put("v", 1)));
    JsonObject label = new JsonObject().put("label", "first");
    String snapshotKey = key();
    HttpResponse<Buffer> taken = send(HttpMethod.POST, WORKFLOWS + "/wf/snapshots", token, label, snapshotKey);
    HttpResponse<Buffer> retaken = send(HttpMethod.POST, WORKFLOWS + "/wf/snapshots", token, label, snapshotKey);
    server().api().patch(WORKFLOWS + "/wf", token, new JsonObject().put("state", new JsonObject().put("v", 2)), null);
    String rollbackKey = key();
    HttpResponse<Buffer> rolled = send(HttpMethod.POST, WORKFLOWS + "/wf/rollback", token, label, rollbackKey);
    HttpResponse<Buffer> rerolled = send(HttpMethod.POST, WORKFLOWS + "/wf/rollback", token, label, rollbackKey);

    assertThat(retaken.statusCode()).isEqualTo(taken.statusCode()).isEqualTo(201);
    assertThat(retaken.bodyAsString()).isEqualTo(taken.bodyAsString());
    assertThat(rerolled.statusCode()).isEqualTo(rolled.statusCode()).isEqualTo(200);
    assertThat(rerolled.getHeader("ETag")).isEqualTo(rolled.getHeader("ETag")).isEqualTo("\"3\"");
    assertThat(workflow(token, "wf").getLong("version")).isEqualTo(3);
    // created, snapshot.created, state.updated, state.rolled_back
    assertThat(events(token, "wf")).hasSize(4);
  }

  @Test
  void theKeyWithAnotherBodyIs422AndChangesNothing() {
    String token = writer(tenant());
    server().api().create(token, new JsonObject().put("id", "wf"));
    String key = key();
    send(HttpMethod.PATCH, WORKFLOWS + "/wf", token, new JsonObject().put("status", "running"), key);

    HttpResponse<Buffer> other = send(HttpMethod.PATCH, WORKFLOWS + "/wf", token,
        new JsonObject().put("status", "failed"), key);

    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(other.bodyAsJsonObject().getString("type")).isEqualTo("urn:flowcast:problem:unprocessable-content");
    assertThat(workflow(token, "wf").getString("status")).isEqualTo("running");
  }

  @Test
  void badKeysAre400ProblemsAndChangeNothing() {
    String token = writer(tenant());
    server().api().create(token, new JsonObject().put("id", "wf"));
    String tooLong = "\"" + "k".repeat(256) + "\"";
    for (String bad : List.of("unquoted-key", "\"\"", tooLong, "\"a\"b\"", "\"tab\there\"", "\"caf\u00e9\"",
        "\"end\\\"", "\"x\\n\"", "\"a\";p=1")) {
      HttpResponse<Buffer> response = send(HttpMethod.PATCH, WORKFLOWS + "/wf", token,
          new JsonObject().put("status", "running"), bad);
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      assertThat(response.getHeader("Content-Type")).as(bad).isEqualTo("application/problem+json");
      assertThat(response.getHeader("X-Request-Id")).as(bad).isNotNull();
    }
    MultiMap two = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", key()).add("Idempotency-Key", key());
    HttpResponse<Buffer> twice = server().api().send(HttpMethod.POST, WORKFLOWS, token,
        new JsonObject().toBuffer(), "application/json", two);
    assertThat(twice.statusCode()).isEqualTo(400);
    assertThat(workflow(token, "wf").getLong("version")).isEqualTo(1);
    // 255 characters, with escapes, is a key
    String longest = "\"\\\"" + "k".repeat(253) + "\\\\\"";
    assertThat(send(HttpMethod.PATCH, WORKFLOWS + "/wf", token, new JsonObject().put("status", "running"), longest)
        .statusCode()).isEqualTo(200);
  }

  @Test
  void aRefusedRequestIsNotStoredSoItsRetryIsTriedAgain() {
    String token = writer(tenant());
    JsonObject patch = new JsonObject().put("status", "running");
    String key = key();
    assertThat(send(HttpMethod.PATCH, WORKFLOWS + "/later", token, patch, key).statusCode()).isEqualTo(404);
    server().api().create(token, new JsonObject().put("id", "later"));

    HttpResponse<Buffer> retry = send(HttpMethod.PATCH, WORKFLOWS + "/later", token, patch, key);

    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.getHeader("Idempotent-Replayed")).isNull();
    assertThat(workflow(token, "later").getString("status")).isEqualTo("running");
  }

  @Test
  void concurrentRetriesApplyOnceAndGetTheAnswerOrA409() throws Exception {
    String token = writer(tenant());
    server().api().create(token, new JsonObject().put("id", "wf"));
    JsonObject event = new JsonObject().put("type", "tick");
    String key = key();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        sent.add(pool.submit((Callable<HttpResponse<Buffer>>) () ->
            send(HttpMethod.POST, WORKFLOWS + "/wf/events", token, event, key)));
      }
      List<String> answers = new ArrayList<>();
      for (Future<HttpResponse<Buffer>> f : sent) {
        HttpResponse<Buffer> response = f.get();
        assertThat(response.statusCode()).isIn(201, 409);
        if (response.statusCode() == 201) {
          answers.add(response.bodyAsString());
        } else {
          assertThat(response.bodyAsJsonObject().getString("detail")).contains("in flight");
        }
      }
      assertThat(answers).isNotEmpty();
      assertThat(answers.stream().distinct()).hasSize(1);
      assertThat(events(token, "wf")).hasSize(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void keysAreScopedByTokenSubject() {
    String tenant = tenant();
    String alice = server().token("alice", tenant, TestServer.RW);
    String bob = server().token("bob", tenant, TestServer.RW);
    server().api().create(alice, new JsonObject().put("id", "wf"));
    JsonObject event = new JsonObject().put("type", "tick");
    String key = key();

    assertThat(send(HttpMethod.POST, WORKFLOWS + "/wf/events", alice, event, key).statusCode()).isEqualTo(201);
    HttpResponse<Buffer> bobs = send(HttpMethod.POST, WORKFLOWS + "/wf/events", bob, event, key);

    assertThat(bobs.statusCode()).isEqualTo(201);
    assertThat(bobs.getHeader("Idempotent-Replayed")).isNull();
    assertThat(events(alice, "wf")).hasSize(3);
  }

  @Test
  void afterTheTtlTheKeyIsNewAgain() throws InterruptedException {
    String token = writer(tenant());
    server().api().create(token, new JsonObject().put("id", "wf"));
    JsonObject event = new JsonObject().put("type", "tick");
    String key = key();
    assertThat(send(HttpMethod.POST, WORKFLOWS + "/wf/events", token, event, key).statusCode()).isEqualTo(201);

    outliveTheTtl();
    HttpResponse<Buffer> late = send(HttpMethod.POST, WORKFLOWS + "/wf/events", token, event, key);

    assertThat(late.statusCode()).isEqualTo(201);
    assertThat(late.getHeader("Idempotent-Replayed")).isNull();
    assertThat(events(token, "wf")).hasSize(3);
  }
}
