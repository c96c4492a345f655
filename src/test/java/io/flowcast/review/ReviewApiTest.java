package io.flowcast.review;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Drafts, snapshots and rollback over HTTP and SSE, on the in-memory backend. */
class ReviewApiTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  private record Setup(String token, String path) {
  }

  private static Setup workflow() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("alice", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "doc").put("state", new JsonObject()
        .put("sections", new JsonObject().put("intro", "old intro"))));
    return new Setup(token, "/api/v1/workflows/doc");
  }

  private static HttpResponse<Buffer> put(Setup s, String section, JsonObject body) {
    return server.api().send(HttpMethod.PUT, s.path() + "/drafts/" + section, s.token(),
        Buffer.buffer(body.encode()), "application/json");
  }

  private static JsonObject draft(String raw, String summary) {
    return new JsonObject().put("raw_draft", raw).put("diff_summary", summary);
  }

  @Test
  void reviewerWatchingTheStreamSeesDraftsChangeLive() throws Exception {
    Setup s = workflow();
    try (SseClient stream = server.stream(s.path() + "/stream", s.token(), null)) {
      assertThat(stream.next("snapshot", 5)).isNotNull();
      assertThat(put(s, "intro", draft("new intro", "+new")).statusCode()).isEqualTo(200);
      SseEvent updated = stream.next(5);
      assertThat(updated.event()).isEqualTo("draft.updated");
      assertThat(updated.json().getString("workflow_id")).isEqualTo("doc");
      assertThat(updated.json().getJsonObject("data").getString("raw_draft")).isEqualTo("new intro");

      HttpResponse<Buffer> committed = server.api().post(s.path() + "/drafts/intro/commit", s.token(), null);
      assertThat(committed.statusCode()).isEqualTo(200);
      assertThat(committed.getHeader("ETag")).isEqualTo("\"2\"");
      assertThat(committed.bodyAsJsonObject().getJsonObject("state").getJsonObject("sections").getString("intro"))
          .isEqualTo("new intro");
      SseEvent commit = stream.next(5);
      assertThat(commit.event()).isEqualTo("draft.committed");
      assertThat(commit.json().getLong("version")).isEqualTo(2);

      put(s, "outro", draft("bye", ""));
      assertThat(stream.next(5).event()).isEqualTo("draft.updated");
      assertThat(server.api().delete(s.path() + "/drafts/outro", s.token()).statusCode()).isEqualTo(204);
      assertThat(stream.next(5).event()).isEqualTo("draft.discarded");

      JsonObject snap = server.api().post(s.path() + "/snapshots", s.token(), new JsonObject().put("label", "v2"))
          .bodyAsJsonObject();
      assertThat(snap.getString("label")).isEqualTo("v2");
      assertThat(stream.next(5).event()).isEqualTo("snapshot.created");
      HttpResponse<Buffer> back = server.api().post(s.path() + "/rollback", s.token(),
          new JsonObject().put("version", 1));
      assertThat(back.statusCode()).isEqualTo(200);
      assertThat(back.bodyAsJsonObject().getLong("version")).isEqualTo(3);
      SseEvent rolledBack = stream.next(5);
      assertThat(rolledBack.event()).isEqualTo("state.rolled_back");
      assertThat(rolledBack.json().getJsonObject("data").getJsonObject("state").getJsonObject("sections")
          .getString("intro")).isEqualTo("old intro");
    }
  }

  @Test
  void draftsAreListedAndReadBack() {
    Setup s = workflow();
    put(s, "b", draft("bee", "1"));
    put(s, "a", draft("ay", "1"));
    put(s, "a", draft("ay2", "2"));
    JsonObject list = server.api().get(s.path() + "/drafts", s.token()).bodyAsJsonObject();
    assertThat(list.getJsonArray("drafts").stream().map(d -> ((JsonObject) d).getString("section_id")).toList())
        .containsExactly("a", "b");
    JsonObject a = server.api().get(s.path() + "/drafts/a", s.token()).bodyAsJsonObject();
    assertThat(a.fieldNames()).contains("section_id", "raw_draft", "diff_summary", "revision", "base_version",
        "author", "updated_at", "expires_at");
    assertThat(a.getLong("revision")).isEqualTo(2);
    JsonObject undone = server.api().post(s.path() + "/drafts/a/undo", s.token(), null).bodyAsJsonObject();
    assertThat(undone.getString("raw_draft")).isEqualTo("ay");
    JsonObject snapshots = server.api().get(s.path() + "/snapshots", s.token()).bodyAsJsonObject();
    assertThat(snapshots.getJsonArray("snapshots")).isEmpty();
  }

  @Test
  void badInputIsAClearProblem() {
    Setup s = workflow();
    assertProblem(put(s, "intro", new JsonObject().put("raw_draft", 5)), 400, "raw_draft");
    assertProblem(put(s, "intro", new JsonObject().put("diff_summary", "x")), 400, "raw_draft");
    assertProblem(put(s, "intro", draft("x", "y").put("extra", 1)), 400, "extra");
    assertProblem(put(s, "intro", draft("nul\u0000", "y")), 400, "U+0000");
    assertProblem(put(s, "bad%20id", draft("x", "")), 400, "section id");
    assertProblem(server.api().get(s.path() + "/drafts/intro", s.token()), 404, "no draft");
    assertProblem(server.api().post(s.path() + "/drafts/intro/commit", s.token(), null), 404, "no draft");
    put(s, "intro", draft("x", ""));
    assertProblem(server.api().post(s.path() + "/drafts/intro/undo", s.token(), null), 409, "discard");
    assertProblem(server.api().post(s.path() + "/snapshots", s.token(), new JsonObject()), 400, "label");
    assertProblem(server.api().post(s.path() + "/snapshots", s.token(), new JsonObject().put("label", "a b")), 400,
        "label");
    server.api().post(s.path() + "/snapshots", s.token(), new JsonObject().put("label", "one"));
    assertProblem(server.api().post(s.path() + "/snapshots", s.token(), new JsonObject().put("label", "one")), 409,
        "already");
    assertProblem(server.api().post(s.path() + "/rollback", s.token(), new JsonObject()), 400, "exactly one");
    assertProblem(server.api().post(s.path() + "/rollback", s.token(),
        new JsonObject().put("label", "one").put("version", 1)), 400, "exactly one");
    assertProblem(server.api().post(s.path() + "/rollback", s.token(), new JsonObject().put("version", "1")), 400,
        "version");
    assertProblem(server.api().post(s.path() + "/rollback", s.token(), new JsonObject().put("version", 0)), 400,
        "version");
    assertProblem(server.api().send(HttpMethod.POST, s.path() + "/rollback", s.token(),
        Buffer.buffer("{\"version\":99999999999999999999999}"), "application/json"), 400, "version");
    assertProblem(server.api().post(s.path() + "/rollback", s.token(), new JsonObject().put("version", 1.5)), 400,
        "version");
    assertProblem(server.api().post(s.path() + "/rollback", s.token(), new JsonObject().put("version", 42)), 404,
        "42");
    assertProblem(server.api().post(s.path() + "/rollback", s.token(), new JsonObject().put("label", "nope")), 404,
        "nope");
    assertProblem(server.api().send(HttpMethod.POST, s.path() + "/rollback", s.token(),
        Buffer.buffer("{\"label\":\"one\"}"), "application/json",
        io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("If-Match", "\"7\"")), 412, "version");
    // another tenant does not see the workflow at all
    String other = server.token("mallory", "t-other-" + UUID.randomUUID().toString().substring(0, 6), TestServer.RW);
    assertProblem(server.api().get(s.path() + "/drafts", other), 404, "doc");
    assertProblem(server.api().post(s.path() + "/rollback", other, new JsonObject().put("label", "one")), 404, "doc");
    // nothing of that changed the workflow
    assertThat(server.api().get(s.path(), s.token()).bodyAsJsonObject().getLong("version")).isEqualTo(1);
  }

  @Test
  void readersWithoutWriteScopeCannotChangeDrafts() {
    Setup s = workflow();
    String tenant = server.api().get(s.path(), s.token()).bodyAsJsonObject().getString("tenant");
    String reader = server.token("rita", tenant, "workflows:read");
    assertThat(server.api().get(s.path() + "/drafts", reader).statusCode()).isEqualTo(200);
    assertProblem(server.api().send(HttpMethod.PUT, s.path() + "/drafts/intro", reader,
        Buffer.buffer(draft("x", "").encode()), "application/json"), 403, "workflows:write");
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String detailPart) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains(detailPart);
  }
}
