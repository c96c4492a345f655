package io.flowcast.http;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The workflow and event endpoints of docs/API.md, over real HTTP against a deployed server. */
class WorkflowApiTest {
  private static final String BASE = "/api/v1/workflows";
  private static final String RFC3339 = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})";
  private static final List<String> REPRESENTATION = List.of("id", "tenant", "status", "state", "metadata",
      "version", "created_at", "updated_at", "expires_at");

  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();
  private final Api api = server.api();

  private String tenant;
  private String token;

  @BeforeEach
  void freshTenant() {
    tenant = "acme-" + UUID.randomUUID();
    token = server.token("user-1", tenant, TestServer.RW);
  }

  // ---- create and read

  @Test
  void createAnswers201WithLocationEtagAndTheFullRepresentation() {
    JsonObject state = new JsonObject().put("step", 1).put("plan", new JsonObject().put("a", true));
    JsonObject metadata = new JsonObject().put("owner", "team-x");

    HttpResponse<Buffer> r = api.post(BASE, token, new JsonObject().put("id", "wf-1").put("status", "running")
        .put("state", state).put("metadata", metadata).put("ttl_seconds", 120));

    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(r.getHeader("Location")).isEqualTo(BASE + "/wf-1");
    assertThat(r.getHeader("ETag")).isEqualTo("\"1\"");
    assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    JsonObject w = r.bodyAsJsonObject();
    assertThat(w.fieldNames()).containsExactlyInAnyOrderElementsOf(REPRESENTATION);
    assertThat(w.getString("id")).isEqualTo("wf-1");
    assertThat(w.getString("tenant")).isEqualTo(tenant);
    assertThat(w.getString("status")).isEqualTo("running");
    assertThat(w.getJsonObject("state")).isEqualTo(state);
    assertThat(w.getJsonObject("metadata")).isEqualTo(metadata);
    assertThat(w.getLong("version")).isEqualTo(1);
    for (String field : List.of("created_at", "updated_at", "expires_at")) {
      assertThat(w.getString(field)).as(field).matches(RFC3339);
    }
    assertThat(w.getString("updated_at")).isEqualTo(w.getString("created_at"));
    assertThat(Duration.between(time(w, "created_at"), time(w, "expires_at"))).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void createDefaultsToPendingWithEmptyStateMetadataAndTheDefaultTtl() {
    JsonObject w = api.create(token, new JsonObject().put("id", "wf-1"));

    assertThat(w.getString("status")).isEqualTo("pending");
    assertThat(w.getJsonObject("state")).isEqualTo(new JsonObject());
    assertThat(w.getJsonObject("metadata")).isEqualTo(new JsonObject());
    assertThat(Duration.between(time(w, "created_at"), time(w, "expires_at")))
        .isEqualTo(Duration.ofSeconds(server.config().defaultTtlSeconds()));
  }

  @Test
  void createWithoutIdGeneratesOne() {
    HttpResponse<Buffer> first = api.post(BASE, token, new JsonObject().put("state", new JsonObject().put("a", 1)));
    HttpResponse<Buffer> second = api.post(BASE, token, null);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).isEqualTo(201);
    String id = first.bodyAsJsonObject().getString("id");
    assertThat(id).matches("[A-Za-z0-9._-]{1,128}");
    assertThat(second.bodyAsJsonObject().getString("id")).isNotEqualTo(id);
    assertThat(first.getHeader("Location")).isEqualTo(BASE + "/" + id);
    HttpResponse<Buffer> read = api.get(first.getHeader("Location"), token);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("a", 1));
  }

  @Test
  void createOfAnExistingIdAnswers409Problem() {
    api.create(token, new JsonObject().put("id", "wf-1").put("state", new JsonObject().put("original", true)));

    assertProblem(api.post(BASE, token, new JsonObject().put("id", "wf-1")), 409);

    assertThat(api.get(BASE + "/wf-1", token).bodyAsJsonObject().getJsonObject("state"))
        .isEqualTo(new JsonObject().put("original", true));
  }

  @Test
  void getAnswersTheRepresentationWithItsEtag() {
    JsonObject created = api.create(token, new JsonObject().put("id", "wf-1").put("state",
        new JsonObject().put("x", 1)));

    HttpResponse<Buffer> r = api.get(BASE + "/wf-1", token);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("ETag")).isEqualTo("\"1\"");
    JsonObject w = r.bodyAsJsonObject();
    assertThat(w.fieldNames()).containsExactlyInAnyOrderElementsOf(REPRESENTATION);
    assertThat(w.copy().put("expires_at", "-")).isEqualTo(created.copy().put("expires_at", "-"));
    assertProblem(api.get(BASE + "/wf-unknown", token), 404);
  }

  // ---- patch

  @Test
  void patchMergesNestedObjectsDeletesNullKeysAndIncrementsTheVersion() {
    api.create(token, new JsonObject().put("id", "wf-1").put("state", new JsonObject()
        .put("plan", new JsonObject().put("a", 1).put("b", 2)).put("list", new JsonArray().add(1).add(2))
        .put("gone", "g").put("keep", "k")));
    JsonObject patch = new JsonObject().put("state", new JsonObject()
        .put("plan", new JsonObject().put("b", 3).put("c", 4)).put("list", new JsonArray().add(9)).putNull("gone"));

    HttpResponse<Buffer> r = api.patch(BASE + "/wf-1", token, patch, null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("ETag")).isEqualTo("\"2\"");
    JsonObject expected = new JsonObject().put("plan", new JsonObject().put("a", 1).put("b", 3).put("c", 4))
        .put("list", new JsonArray().add(9)).put("keep", "k");
    assertThat(r.bodyAsJsonObject().getJsonObject("state")).isEqualTo(expected);
    assertThat(r.bodyAsJsonObject().getLong("version")).isEqualTo(2);

    HttpResponse<Buffer> status = api.patch(BASE + "/wf-1", token, new JsonObject().put("status", "running"), null);
    assertThat(status.getHeader("ETag")).isEqualTo("\"3\"");
    HttpResponse<Buffer> read = api.get(BASE + "/wf-1", token);
    assertThat(read.getHeader("ETag")).isEqualTo("\"3\"");
    assertThat(read.bodyAsJsonObject().getJsonObject("state")).isEqualTo(expected);
    assertThat(read.bodyAsJsonObject().getString("status")).isEqualTo("running");
  }

  @Test
  void patchWithAMatchingIfMatchAnswers200() {
    api.create(token, new JsonObject().put("id", "wf-1"));
    api.patch(BASE + "/wf-1", token, statePatch("step", 1), "\"1\"");

    HttpResponse<Buffer> r = api.patch(BASE + "/wf-1", token, statePatch("step", 2), "\"2\"");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("ETag")).isEqualTo("\"3\"");
    assertThat(r.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("step", 2));
  }

  @Test
  void stalePatchIfMatchAnswers412AndChangesNothing() {
    api.create(token, new JsonObject().put("id", "wf-1"));
    api.patch(BASE + "/wf-1", token, statePatch("step", 1), null);

    assertProblem(api.patch(BASE + "/wf-1", token, statePatch("step", 99), "\"1\""), 412);

    HttpResponse<Buffer> read = api.get(BASE + "/wf-1", token);
    assertThat(read.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(read.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("step", 1));
    assertThat(history("wf-1", null, null).getJsonArray("events")).hasSize(2);
  }

  @Test
  void ifMatchStarPatchesWhateverTheVersion() {
    api.create(token, new JsonObject().put("id", "wf-1"));
    api.patch(BASE + "/wf-1", token, statePatch("step", 1), null);

    HttpResponse<Buffer> r = api.patch(BASE + "/wf-1", token, statePatch("step", 2), "*");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("ETag")).isEqualTo("\"3\"");
  }

  // ---- list

  @Test
  void listFiltersByStatusNewestFirst() throws InterruptedException {
    List<String> running = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String status = i % 2 == 0 ? "running" : "pending";
      api.create(token, new JsonObject().put("id", "wf-" + i).put("status", status));
      if (status.equals("running")) {
        running.add(0, "wf-" + i);
      }
      Thread.sleep(3);
    }

    HttpResponse<Buffer> r = api.get(BASE + "?status=running", token);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(ids(r.bodyAsJsonObject().getJsonArray("items"))).containsExactlyElementsOf(running);
    assertThat(r.bodyAsJsonObject().getValue("next_cursor")).isNull();
    assertThat(ids(api.get(BASE + "?status=completed", token).bodyAsJsonObject().getJsonArray("items"))).isEmpty();
  }

  @Test
  void listPagesWithACursorSeeingEveryWorkflowOnceNewestFirst() throws InterruptedException {
    List<String> newestFirst = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      api.create(token, new JsonObject().put("id", "wf-" + i));
      newestFirst.add(0, "wf-" + i);
      Thread.sleep(3);
    }

    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<Buffer> r = api.get(BASE + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertThat(r.statusCode()).isEqualTo(200);
      JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
      items.forEach(item -> assertThat(((JsonObject) item).fieldNames())
          .containsExactlyInAnyOrderElementsOf(REPRESENTATION));
      sizes.add(items.size());
      seen.addAll(ids(items));
      cursor = r.bodyAsJsonObject().getString("next_cursor");
    } while (cursor != null && sizes.size() < 10);

    assertThat(sizes).containsExactly(2, 2, 1);
    assertThat(seen).containsExactlyElementsOf(newestFirst);
    assertProblem(api.get(BASE + "?cursor=not-a-cursor", token), 400);
  }

  // ---- events

  @Test
  void publishAnswers201WithTheEventStampedWithSeqVersionAndActor() {
    api.create(token, new JsonObject().put("id", "wf-1"));
    api.patch(BASE + "/wf-1", token, statePatch("step", 1), null);
    String createdId = history("wf-1", null, null).getJsonArray("events").getJsonObject(0).getString("id");
    JsonObject data = new JsonObject().put("text", "thinking");

    HttpResponse<Buffer> r = api.post(BASE + "/wf-1/events", token, new JsonObject().put("type", "agent.thought")
        .put("data", data).put("parent_id", createdId).put("metadata", new JsonObject().put("model", "m-1")));

    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject event = r.bodyAsJsonObject();
    assertThat(event.fieldNames()).contains("id", "workflow_id", "seq", "type", "version", "data", "parent_id",
        "metadata", "actor", "created_at");
    assertThat(event.getString("workflow_id")).isEqualTo("wf-1");
    assertThat(event.getLong("seq")).isEqualTo(3);
    assertThat(event.getLong("version")).isEqualTo(2);
    assertThat(event.getString("type")).isEqualTo("agent.thought");
    assertThat(event.getJsonObject("data")).isEqualTo(data);
    assertThat(event.getString("parent_id")).isEqualTo(createdId);
    assertThat(event.getJsonObject("metadata")).isEqualTo(new JsonObject().put("model", "m-1"));
    assertThat(event.getString("actor")).isEqualTo("user-1");
    assertThat(event.getString("created_at")).matches(RFC3339);
    assertThat(api.get(BASE + "/wf-1", token).getHeader("ETag")).isEqualTo("\"2\"");
  }

  @Test
  void historyIsOldestFirstAndAfterIsExclusive() {
    api.create(token, new JsonObject().put("id", "wf-1"));
    api.patch(BASE + "/wf-1", token, statePatch("step", 1), null);
    publish("wf-1", "note");
    api.patch(BASE + "/wf-1", token, new JsonObject().put("status", "completed"), null);

    JsonArray events = history("wf-1", null, null).getJsonArray("events");

    assertThat(types(events)).containsExactly("workflow.created", "state.updated", "note", "status.changed");
    assertThat(seqs(events)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(events.getJsonObject(1).getJsonObject("data")).isEqualTo(statePatch("step", 1));
    JsonArray afterSecond = history("wf-1", events.getJsonObject(1).getString("id"), null).getJsonArray("events");
    assertThat(seqs(afterSecond)).containsExactly(3L, 4L);
    JsonArray afterLast = history("wf-1", events.getJsonObject(3).getString("id"), null).getJsonArray("events");
    assertThat(afterLast).isEmpty();
  }

  @Test
  void historyPagesWithLimitHasMoreAndNextAfter() {
    api.create(token, new JsonObject().put("id", "wf-1"));
    for (int i = 0; i < 6; i++) {
      publish("wf-1", "tick");
    }

    List<Long> seen = new ArrayList<>();
    List<Boolean> hasMore = new ArrayList<>();
    String after = null;
    do {
      JsonObject page = history("wf-1", after, 3);
      JsonArray events = page.getJsonArray("events");
      seen.addAll(seqs(events));
      hasMore.add(page.getBoolean("has_more"));
      after = page.getString("next_after");
      if (page.getBoolean("has_more")) {
        assertThat(after).isEqualTo(events.getJsonObject(events.size() - 1).getString("id"));
      }
    } while (after != null && hasMore.size() < 10);

    assertThat(hasMore).containsExactly(true, true, false);
    assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  // ---- delete

  @Test
  void deleteAnswers204ThenTheWorkflowIs404() {
    api.create(token, new JsonObject().put("id", "wf-1"));

    HttpResponse<Buffer> r = api.delete(BASE + "/wf-1", token);

    assertThat(r.statusCode()).isEqualTo(204);
    assertProblem(api.get(BASE + "/wf-1", token), 404);
    assertProblem(api.get(BASE + "/wf-1/events", token), 404);
    assertProblem(api.delete(BASE + "/wf-1", token), 404);
    assertThat(api.get(BASE, token).bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  // ---- tenants and scopes

  @Test
  void anotherTenantGets404ForEveryOperationAndDoesNotListIt() {
    api.create(token, new JsonObject().put("id", "wf-1").put("state", new JsonObject().put("secret", 1)));
    String other = server.token("user-2", "other-" + UUID.randomUUID(), TestServer.RW);

    assertProblem(api.get(BASE + "/wf-1", other), 404);
    assertProblem(api.patch(BASE + "/wf-1", other, statePatch("x", 1), null), 404);
    assertProblem(api.patch(BASE + "/wf-1", other, statePatch("x", 1), "\"1\""), 404);
    assertProblem(api.post(BASE + "/wf-1/events", other, new JsonObject().put("type", "note")), 404);
    assertProblem(api.get(BASE + "/wf-1/events", other), 404);
    assertProblem(openStream("wf-1", other), 404);
    assertProblem(api.delete(BASE + "/wf-1", other), 404);
    assertThat(api.get(BASE, other).bodyAsJsonObject().getJsonArray("items")).isEmpty();

    HttpResponse<Buffer> mine = api.get(BASE + "/wf-1", token);
    assertThat(mine.getHeader("ETag")).isEqualTo("\"1\"");
    assertThat(mine.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("secret", 1));
    assertThat(history("wf-1", null, null).getJsonArray("events")).hasSize(1);
  }

  @Test
  void theSameIdInAnotherTenantIsAnIndependentWorkflow() {
    api.create(token, new JsonObject().put("id", "wf-1").put("status", "running"));
    String otherTenant = "other-" + UUID.randomUUID();
    String other = server.token("user-2", otherTenant, TestServer.RW);

    JsonObject theirs = api.create(other, new JsonObject().put("id", "wf-1"));

    assertThat(theirs.getString("tenant")).isEqualTo(otherTenant);
    assertThat(theirs.getString("status")).isEqualTo("pending");
    assertThat(api.delete(BASE + "/wf-1", other).statusCode()).isEqualTo(204);
    assertThat(api.get(BASE + "/wf-1", token).bodyAsJsonObject().getString("status")).isEqualTo("running");
  }

  @Test
  void aReadOnlyTokenIsForbiddenToWriteButMayRead() {
    api.create(token, new JsonObject().put("id", "wf-1"));
    String reader = server.token("reader", tenant, "workflows:read");

    assertProblem(api.post(BASE, reader, new JsonObject().put("id", "wf-2")), 403);
    assertProblem(api.patch(BASE + "/wf-1", reader, statePatch("x", 1), null), 403);
    assertProblem(api.post(BASE + "/wf-1/events", reader, new JsonObject().put("type", "note")), 403);
    assertProblem(api.delete(BASE + "/wf-1", reader), 403);

    assertThat(api.get(BASE + "/wf-1", reader).statusCode()).isEqualTo(200);
    assertThat(api.get(BASE, reader).statusCode()).isEqualTo(200);
    assertThat(api.get(BASE + "/wf-1/events", reader).statusCode()).isEqualTo(200);
    assertThat(api.get(BASE + "/wf-1", token).getHeader("ETag")).isEqualTo("\"1\"");
    assertProblem(api.get(BASE + "/wf-2", token), 404);
    assertThat(history("wf-1", null, null).getJsonArray("events")).hasSize(1);
  }

  @Test
  void aWriteOnlyTokenIsForbiddenToRead() {
    String writer = server.token("writer", tenant, "workflows:write");
    assertThat(api.post(BASE, writer, new JsonObject().put("id", "wf-1")).statusCode()).isEqualTo(201);

    assertProblem(api.get(BASE + "/wf-1", writer), 403);
    assertProblem(api.get(BASE, writer), 403);
    assertProblem(api.get(BASE + "/wf-1/events", writer), 403);
    assertProblem(openStream("wf-1", writer), 403);
  }

  @Test
  void theAdminScopeMayReadAndWrite() {
    String admin = server.token("root", tenant, "admin");

    assertThat(api.post(BASE, admin, new JsonObject().put("id", "wf-1")).statusCode()).isEqualTo(201);
    assertThat(api.get(BASE + "/wf-1", admin).statusCode()).isEqualTo(200);
    assertThat(api.get(BASE, admin).statusCode()).isEqualTo(200);
    assertThat(api.patch(BASE + "/wf-1", admin, statePatch("x", 1), "\"1\"").statusCode()).isEqualTo(200);
    assertThat(api.post(BASE + "/wf-1/events", admin, new JsonObject().put("type", "note")).statusCode())
        .isEqualTo(201);
    assertThat(api.get(BASE + "/wf-1/events", admin).statusCode()).isEqualTo(200);
    assertThat(api.delete(BASE + "/wf-1", admin).statusCode()).isEqualTo(204);
  }

  // ---- operations

  @Test
  void healthAnswers200() {
    assertThat(api.get("/health", null).statusCode()).isEqualTo(200);
  }

  @Test
  void readyAnswers200WithTheMemoryBackend() {
    HttpResponse<Buffer> r = api.get("/ready", null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    assertThat(r.bodyAsJsonObject().getString("backend")).isEqualTo("memory");
    assertThat(r.bodyAsJsonObject().getBoolean("ready")).isTrue();
  }

  // ---- helpers

  private JsonObject history(String id, String after, Integer limit) {
    StringBuilder path = new StringBuilder(BASE + "/" + id + "/events");
    String sep = "?";
    if (after != null) {
      path.append(sep).append("after=").append(after);
      sep = "&";
    }
    if (limit != null) {
      path.append(sep).append("limit=").append(limit);
    }
    HttpResponse<Buffer> r = api.get(path.toString(), token);
    assertThat(r.statusCode()).as("GET %s: %s", path, r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /**
   * Requests a workflow's SSE feed expecting a refusal: a refusal is a short problem+json answer, while a feed
   * that opened would never end, so the request is bounded and a timeout fails the test.
   */
  private static HttpResponse<Buffer> openStream(String id, String token) {
    WebClient client = WebClient.create(server.vertx());
    try {
      return client.get(server.port(), "127.0.0.1", BASE + "/" + id + "/stream")
          .putHeader("Authorization", "Bearer " + token)
          .putHeader("Accept", "text/event-stream")
          .send()
          .timeout(5, TimeUnit.SECONDS)
          .await();
    } finally {
      client.close();
    }
  }

  private JsonObject publish(String id, String type) {
    HttpResponse<Buffer> r = api.post(BASE + "/" + id + "/events", token, new JsonObject().put("type", type)
        .put("data", new JsonObject()));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private static JsonObject statePatch(String field, Object value) {
    return new JsonObject().put("state", new JsonObject().put(field, value));
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as("status of %s", r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    JsonObject problem = r.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type")).isNotBlank();
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
  }

  private static Instant time(JsonObject w, String field) {
    return OffsetDateTime.parse(w.getString(field)).toInstant();
  }

  private static List<String> ids(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private static List<String> types(JsonArray events) {
    return events.stream().map(o -> ((JsonObject) o).getString("type")).toList();
  }

  private static List<Long> seqs(JsonArray events) {
    return events.stream().map(o -> ((JsonObject) o).getLong("seq")).toList();
  }
}
