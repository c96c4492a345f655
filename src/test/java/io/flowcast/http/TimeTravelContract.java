package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time travel over real HTTP (docs/API.md, "Time travel"), the same on every backend: a workflow as it was at
 * any version it passed through, the merge patch between two versions, 410 for a version whose history is no
 * longer kept and 400 for a bad version. The servers keep {@link #RETENTION} events per workflow.
 */
abstract class TimeTravelContract {
  static final String WORKFLOWS = "/api/v1/workflows";
  static final int RETENTION = 50;

  abstract StartedServer server();

  private String token;

  private String newTenant() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    token = server().token("alice", tenant, TestServer.RW);
    return tenant;
  }

  private HttpResponse<Buffer> get(String path) {
    return server().api().get(path, token);
  }

  private static JsonObject withoutExpiry(JsonObject workflow) {
    JsonObject copy = workflow.copy();
    copy.remove("expires_at");
    return copy;
  }

  /** Every version a workflow passed through (index 0 is version 1), as the change that made it answered. */
  private List<JsonObject> history(String id) {
    String path = WORKFLOWS + "/" + id;
    List<JsonObject> versions = new ArrayList<>();
    versions.add(server().api().create(token, new JsonObject().put("id", id)
        .put("state", new JsonObject().put("step", 1).put("plan", new JsonObject().put("a", 1).put("b", 2)))
        .put("metadata", new JsonObject().put("owner", "ops"))));
    assertThat(server().api().post(path + "/events", token, new JsonObject().put("type", "note")).statusCode())
        .isEqualTo(201);
    versions.add(server().api().patch(path, token, new JsonObject().put("state", new JsonObject().put("step", 2)
        .put("plan", new JsonObject().putNull("a").put("c", 3))), null).bodyAsJsonObject());
    versions.add(server().api().patch(path, token, new JsonObject().put("status", "running"), null)
        .bodyAsJsonObject());
    versions.add(server().api().patch(path, token, new JsonObject().put("metadata", new JsonObject()
        .put("owner", "dev").put("tag", "x")).put("state", new JsonObject().put("list", new io.vertx.core.json.JsonArray()
        .add(1).add(2))), null).bodyAsJsonObject());
    assertThat(server().api().send(HttpMethod.PUT, path + "/drafts/intro", token,
        new JsonObject().put("raw_draft", "the intro").toBuffer(), "application/json").statusCode()).isEqualTo(200);
    versions.add(server().api().post(path + "/drafts/intro/commit", token, null).bodyAsJsonObject());
    versions.add(server().api().post(path + "/rollback", token, new JsonObject().put("version", 2)).bodyAsJsonObject());
    versions.add(server().api().patch(path, token, new JsonObject().put("status", "completed"), null)
        .bodyAsJsonObject());
    versions.add(server().api().post(path + "/reopen", token, new JsonObject().put("status", "waiting"))
        .bodyAsJsonObject());
    for (int i = 0; i < versions.size(); i++) {
      assertThat(versions.get(i).getLong("version")).isEqualTo(i + 1);
    }
    return versions;
  }

  @Test
  void everyVersionReadsAsTheChangeThatMadeItAnswered() {
    newTenant();
    List<JsonObject> versions = history("wf");

    for (JsonObject expected : versions) {
      long version = expected.getLong("version");
      HttpResponse<Buffer> response = get(WORKFLOWS + "/wf?version=" + version);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(response.getHeader("ETag")).isEqualTo("\"" + version + "\"");
      assertThat(withoutExpiry(response.bodyAsJsonObject())).as("version %s", version)
          .isEqualTo(withoutExpiry(expected));
    }
    // the workflow itself is where it was
    JsonObject current = get(WORKFLOWS + "/wf").bodyAsJsonObject();
    assertThat(current.getLong("version")).isEqualTo(versions.size());
    assertThat(current.getString("status")).isEqualTo("waiting");
  }

  @Test
  void diffIsTheMergePatchBetweenTwoVersionsEitherWay() {
    newTenant();
    List<JsonObject> versions = history("wf");

    HttpResponse<Buffer> forward = get(WORKFLOWS + "/wf/diff?from=1&to=3");
    assertThat(forward.statusCode()).as(forward.bodyAsString()).isEqualTo(200);
    assertThat(forward.getHeader("Content-Type")).isEqualTo("application/merge-patch+json");
    assertThat(forward.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "running")
        .put("state", new JsonObject().put("step", 2).put("plan", new JsonObject().putNull("a").put("c", 3))));
    assertThat(get(WORKFLOWS + "/wf/diff?from=3&to=1").bodyAsJsonObject()).isEqualTo(new JsonObject()
        .put("status", "pending").put("state", new JsonObject().put("step", 1)
            .put("plan", new JsonObject().put("a", 1).putNull("c"))));
    assertThat(get(WORKFLOWS + "/wf/diff?from=4&to=4").bodyAsJsonObject()).isEqualTo(new JsonObject());
    assertThat(get(WORKFLOWS + "/wf/diff?from=3&to=4").bodyAsJsonObject()).isEqualTo(new JsonObject()
        .put("state", new JsonObject().put("list", new io.vertx.core.json.JsonArray().add(1).add(2)))
        .put("metadata", new JsonObject().put("owner", "dev").put("tag", "x")));

    // each diff applied to a version gives the next one
    for (int from = 1; from < versions.size(); from++) {
      JsonObject patch = get(WORKFLOWS + "/wf/diff?from=" + from + "&to=" + (from + 1)).bodyAsJsonObject();
      JsonObject before = versions.get(from - 1);
      JsonObject after = versions.get(from);
      JsonObject view = new JsonObject().put("status", before.getString("status"))
          .put("state", before.getJsonObject("state")).put("metadata", before.getJsonObject("metadata"));
      JsonObject applied = io.flowcast.workflow.MergePatch.apply(view, patch);
      assertThat(applied).as("diff %s -> %s: %s", from, from + 1, patch).isEqualTo(new JsonObject()
          .put("status", after.getString("status")).put("state", after.getJsonObject("state"))
          .put("metadata", after.getJsonObject("metadata")));
    }
  }

  @Test
  void badVersionsAre400AndVersionsNotReachedAre404() {
    newTenant();
    server().api().create(token, new JsonObject().put("id", "wf"));
    for (String bad : List.of("0", "-1", "abc", "1.5", "", "99999999999999999999", "1&version=1")) {
      HttpResponse<Buffer> response = get(WORKFLOWS + "/wf?version=" + bad);
      assertThat(response.statusCode()).as("version=%s", bad).isEqualTo(400);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    }
    for (String bad : List.of("from=1", "to=1", "from=0&to=1", "from=1&to=x", "")) {
      assertThat(get(WORKFLOWS + "/wf/diff?" + bad).statusCode()).as("diff?%s", bad).isEqualTo(400);
    }
    HttpResponse<Buffer> future = get(WORKFLOWS + "/wf?version=2");
    assertThat(future.statusCode()).isEqualTo(404);
    assertThat(future.bodyAsJsonObject().getString("detail")).contains("versions 1 to 1");
    assertThat(get(WORKFLOWS + "/wf/diff?from=1&to=2").statusCode()).isEqualTo(404);
    assertThat(get(WORKFLOWS + "/nope?version=1").statusCode()).isEqualTo(404);
    assertThat(get(WORKFLOWS + "/nope/diff?from=1&to=1").statusCode()).isEqualTo(404);
    assertThat(get(WORKFLOWS + "/wf?version=1").statusCode()).isEqualTo(200);
  }

  @Test
  void aSnapshotKeepsItsVersionAndThoseAfterItWhenTheHistoryBeforeIsNoLongerKept() {
    newTenant();
    String path = WORKFLOWS + "/snap";
    server().api().create(token, new JsonObject().put("id", "snap").put("state", new JsonObject().put("n", 1)));
    server().api().patch(path, token, new JsonObject().put("state", new JsonObject().put("n", 2)), null);
    JsonObject third = server().api().patch(path, token, new JsonObject().put("status", "running")
        .put("metadata", new JsonObject().put("by", "ops")), null).bodyAsJsonObject();
    assertThat(server().api().post(path + "/snapshots", token, new JsonObject().put("label", "at-3")).statusCode())
        .isEqualTo(201);
    for (int i = 0; i < 5 * RETENTION + 20; i++) {
      server().api().post(path + "/events", token, new JsonObject().put("type", "tick"));
    }
    JsonObject fourth = server().api().patch(path, token, new JsonObject().put("state", new JsonObject().put("n", 4)),
        null).bodyAsJsonObject();
    server().api().patch(path, token, new JsonObject().put("state", new JsonObject().put("n", 5)), null);

    assertThat(withoutExpiry(get(path + "?version=3").bodyAsJsonObject())).as("from the snapshot")
        .isEqualTo(withoutExpiry(third));
    assertThat(withoutExpiry(get(path + "?version=4").bodyAsJsonObject())).as("from the snapshot and the log after it")
        .isEqualTo(withoutExpiry(fourth));
    assertThat(get(path + "/diff?from=3&to=4").bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("state", new JsonObject().put("n", 4)));
    assertThat(get(path + "?version=2").statusCode()).as("before the snapshot, the log is gone").isEqualTo(410);
    assertThat(get(path + "?version=1").statusCode()).isEqualTo(410);

    // a rollback to a version rebuilds it the same way (and answers 404 where time travel answers 410)
    HttpResponse<Buffer> back = server().api().post(path + "/rollback", token, new JsonObject().put("version", 4));
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(200);
    assertThat(back.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("n", 4));
    assertThat(server().api().post(path + "/rollback", token, new JsonObject().put("version", 2)).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aVersionWhoseHistoryIsNoLongerKeptIs410() {
    newTenant();
    String path = WORKFLOWS + "/long";
    server().api().create(token, new JsonObject().put("id", "long"));
    server().api().patch(path, token, new JsonObject().put("state", new JsonObject().put("n", 1)), null);
    // Redis trims its streams approximately (whole nodes of 100 entries): enough events that the first go
    for (int i = 0; i < 5 * RETENTION + 20; i++) {
      assertThat(server().api().post(path + "/events", token, new JsonObject().put("type", "tick")).statusCode())
          .isEqualTo(201);
    }
    server().api().patch(path, token, new JsonObject().put("state", new JsonObject().put("n", 2)), null);

    HttpResponse<Buffer> gone = get(path + "?version=1");
    assertThat(gone.statusCode()).as(gone.bodyAsString()).isEqualTo(410);
    assertThat(gone.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(gone.bodyAsJsonObject().getString("type")).isEqualTo("urn:flowcast:problem:gone");
    assertThat(gone.bodyAsJsonObject().getString("detail")).contains("version 1 of workflow 'long'");
    assertThat(get(path + "/diff?from=1&to=3").statusCode()).isEqualTo(410);
    // the current version is the workflow itself, never gone
    HttpResponse<Buffer> current = get(path + "?version=3");
    assertThat(current.statusCode()).isEqualTo(200);
    assertThat(current.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("n", 2));
  }
}
