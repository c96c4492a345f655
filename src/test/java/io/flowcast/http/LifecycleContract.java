package io.flowcast.http;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifecycle over real HTTP and SSE (docs/API.md, "Lifecycle"), the same on every backend: a workflow in a
 * terminal status refuses changes, events, drafts, snapshots, rollbacks and actions with a 409 problem naming
 * the status, stays readable and deletable, and takes changes again once reopened.
 */
abstract class LifecycleContract {
  static final String WORKFLOWS = "/api/v1/workflows";

  abstract StartedServer server();

  private String token;
  private String path;
  private String actionId;

  /** A workflow of a fresh tenant with a draft in progress, a queued and a claimed action and a snapshot, then {@code status}. */
  private void setUp(String status) {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    token = server().token("alice", tenant, TestServer.RW);
    path = WORKFLOWS + "/wf";
    server().api().create(token, new JsonObject().put("id", "wf").put("state", new JsonObject().put("step", 1)));
    assertThat(put(path + "/drafts/intro", new JsonObject().put("raw_draft", "hello")).statusCode()).isEqualTo(200);
    assertThat(post(path + "/snapshots", new JsonObject().put("label", "s1")).statusCode()).isEqualTo(201);
    post(path + "/actions", new JsonObject().put("type", "job"));
    post(path + "/actions", new JsonObject().put("type", "job"));
    actionId = post(path + "/actions/claim", new JsonObject().put("worker", "w-1")).bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> ended = patch(new JsonObject().put("status", status));
    assertThat(ended.statusCode()).as(ended.bodyAsString()).isEqualTo(200);
  }

  private HttpResponse<Buffer> post(String to, JsonObject body) {
    return server().api().post(to, token, body);
  }

  private HttpResponse<Buffer> put(String to, JsonObject body) {
    return server().api().send(HttpMethod.PUT, to, token, body.toBuffer(), "application/json");
  }

  private HttpResponse<Buffer> patch(JsonObject body) {
    return server().api().patch(path, token, body, null);
  }

  private JsonObject workflow() {
    return server().api().get(path, token).bodyAsJsonObject();
  }

  private JsonArray events() {
    return server().api().get(path + "/events", token).bodyAsJsonObject().getJsonArray("events");
  }

  private static void assertRefusedNaming(String status, String what, HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(what + ": " + response.bodyAsString()).isEqualTo(409);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("type")).isEqualTo("urn:flowcast:problem:conflict");
    assertThat(problem.getString("detail")).as(what).contains("is " + status + " (a terminal status)")
        .contains("/reopen");
  }

  @Test
  void aTerminalWorkflowRefusesEveryChangeEventAndActionWith409NamingItsStatus() {
    for (String status : List.of("completed", "failed", "cancelled")) {
      setUp(status);
      JsonObject before = workflow();
      int eventsBefore = events().size();

      assertRefusedNaming(status, "patch of the status", patch(new JsonObject().put("status", "running")));
      assertRefusedNaming(status, "patch of the state", patch(new JsonObject().put("state",
          new JsonObject().put("step", 2))));
      assertRefusedNaming(status, "patch of the metadata", patch(new JsonObject().put("metadata",
          new JsonObject().put("m", 1))));
      assertRefusedNaming(status, "a custom event", post(path + "/events", new JsonObject().put("type", "note")));
      assertRefusedNaming(status, "a draft", put(path + "/drafts/intro", new JsonObject().put("raw_draft", "x")));
      assertRefusedNaming(status, "a draft commit", post(path + "/drafts/intro/commit", null));
      assertRefusedNaming(status, "a draft undo", post(path + "/drafts/intro/undo", null));
      assertRefusedNaming(status, "a draft discard", server().api().delete(path + "/drafts/intro", token));
      assertRefusedNaming(status, "a snapshot", post(path + "/snapshots", new JsonObject().put("label", "s2")));
      assertRefusedNaming(status, "a rollback to a version", post(path + "/rollback",
          new JsonObject().put("version", 1)));
      assertRefusedNaming(status, "a rollback to a label", post(path + "/rollback",
          new JsonObject().put("label", "s1")));
      assertRefusedNaming(status, "an enqueue", post(path + "/actions", new JsonObject().put("type", "job")));
      assertRefusedNaming(status, "a claim", post(path + "/actions/claim", new JsonObject().put("worker", "w-2")));
      assertRefusedNaming(status, "a complete", post(path + "/actions/" + actionId + "/complete",
          new JsonObject().put("result", 1)));
      assertRefusedNaming(status, "a fail", post(path + "/actions/" + actionId + "/fail",
          new JsonObject().put("error", "x").put("retry", true)));

      JsonObject after = workflow();
      assertThat(after).isEqualTo(before.copy().put("expires_at", after.getString("expires_at")));
      assertThat(events()).hasSize(eventsBefore);
      // still readable: drafts, snapshots, actions; and a no-op patch is answered unchanged
      assertThat(server().api().get(path + "/drafts/intro", token).statusCode()).isEqualTo(200);
      assertThat(server().api().get(path + "/snapshots", token).statusCode()).isEqualTo(200);
      assertThat(server().api().get(path + "/actions/" + actionId, token).bodyAsJsonObject().getString("status"))
          .isEqualTo("claimed");
      HttpResponse<Buffer> noOp = patch(new JsonObject().put("status", status));
      assertThat(noOp.statusCode()).isEqualTo(200);
      assertThat(noOp.getHeader("ETag")).isEqualTo("\"" + before.getLong("version") + "\"");
    }
  }

  @Test
  void nothingLandsAfterTheChangeThatEndsAWorkflow() throws Exception {
    setUp("running");
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> ticks = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        ticks.add(writers.submit(() -> post(path + "/events", new JsonObject().put("type", "tick")).statusCode()));
        if (i == 20) {
          assertThat(patch(new JsonObject().put("status", "cancelled")).statusCode()).isEqualTo(200);
        }
      }
      long accepted = 0;
      for (Future<Integer> tick : ticks) {
        int status = tick.get(30, TimeUnit.SECONDS);
        assertThat(status).isIn(201, 409);
        accepted += status == 201 ? 1 : 0;
      }
      JsonArray events = events();
      JsonObject last = events.getJsonObject(events.size() - 1);
      assertThat(last.getString("type")).as("the cancellation is the last event").isEqualTo("status.changed");
      assertThat(last.getJsonObject("data").getString("to")).isEqualTo("cancelled");
      assertThat(events.stream().map(e -> ((JsonObject) e).getString("type")).filter("tick"::equals).count())
          .as("every accepted event, and only those, before it").isEqualTo(accepted);
    } finally {
      writers.shutdownNow();
    }
  }

  @Test
  void reopenTakesATerminalWorkflowBackToRunningOrTheStatusNamed() {
    setUp("completed");
    long version = workflow().getLong("version");

    HttpResponse<Buffer> reopened = post(path + "/reopen", null);

    assertThat(reopened.statusCode()).as(reopened.bodyAsString()).isEqualTo(200);
    assertThat(reopened.getHeader("ETag")).isEqualTo("\"" + (version + 1) + "\"");
    assertThat(reopened.bodyAsJsonObject().getString("status")).isEqualTo("running");
    JsonObject last = events().getJsonObject(events().size() - 1);
    assertThat(last.getString("type")).isEqualTo("status.changed");
    assertThat(last.getJsonObject("data")).isEqualTo(new JsonObject().put("status", "running")
        .put("from", "completed").put("to", "running").put("reopened", true));
    // it takes changes, events and actions again
    assertThat(patch(new JsonObject().put("state", new JsonObject().put("step", 2))).statusCode()).isEqualTo(200);
    assertThat(post(path + "/events", new JsonObject().put("type", "note")).statusCode()).isEqualTo(201);
    assertThat(post(path + "/actions/" + actionId + "/complete", new JsonObject()).statusCode()).isEqualTo(200);

    assertThat(patch(new JsonObject().put("status", "failed")).statusCode()).isEqualTo(200);
    MultiMap ifMatch = MultiMap.caseInsensitiveMultiMap().add("If-Match", "\"1\"");
    assertThat(server().api().send(HttpMethod.POST, path + "/reopen", token,
        new JsonObject().put("status", "waiting").toBuffer(), "application/json", ifMatch).statusCode())
        .isEqualTo(412);
    HttpResponse<Buffer> waiting = post(path + "/reopen", new JsonObject().put("status", "waiting"));
    assertThat(waiting.statusCode()).isEqualTo(200);
    assertThat(waiting.bodyAsJsonObject().getString("status")).isEqualTo("waiting");
  }

  @Test
  void cancelEndsTheWorkflowWithItsReasonAndTheHoldingWorkerLearnsOfItAtItsNextHeartbeat() throws Exception {
    setUp("running");
    HttpResponse<Buffer> claimed = post(path + "/actions/claim", new JsonObject().put("worker", "w1"));
    assertThat(claimed.statusCode()).as(claimed.bodyAsString()).isIn(200, 204);
    String held = claimed.statusCode() == 200 ? claimed.bodyAsJsonObject().getString("id") : actionId;
    HttpResponse<Buffer> beat = post(path + "/actions/" + held + "/heartbeat", new JsonObject().put("worker", "w1")
        .put("lease_seconds", 120));
    assertThat(beat.statusCode()).as(beat.bodyAsString()).isEqualTo(200);
    assertThat(beat.bodyAsJsonObject().getString("worker")).isEqualTo("w1");
    long version = workflow().getLong("version");

    HttpResponse<Buffer> cancelled = post(path + "/cancel", new JsonObject().put("reason", "the user pressed stop"));

    assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
    assertThat(cancelled.getHeader("ETag")).isEqualTo("\"" + (version + 1) + "\"");
    assertThat(cancelled.bodyAsJsonObject().getString("status")).isEqualTo("cancelled");
    JsonObject last = events().getJsonObject(events().size() - 1);
    assertThat(last.getString("type")).isEqualTo("workflow.cancelled");
    assertThat(last.getJsonObject("data")).isEqualTo(new JsonObject().put("status", "cancelled")
        .put("from", "running").put("to", "cancelled").put("reason", "the user pressed stop"));
    HttpResponse<Buffer> refusedBeat = post(path + "/actions/" + held + "/heartbeat", new JsonObject().put("worker", "w1"));
    assertRefusedNaming("cancelled", "heartbeat", refusedBeat);
    assertThat(refusedBeat.bodyAsJsonObject().getString("detail")).as("the worker learns why")
        .endsWith("The cancel's reason: \"the user pressed stop\"");
    HttpResponse<Buffer> refusedCompletion = post(path + "/actions/" + held + "/complete",
        new JsonObject().put("worker", "w1"));
    assertRefusedNaming("cancelled", "complete", refusedCompletion);
    assertThat(refusedCompletion.bodyAsJsonObject().getString("detail")).contains("the user pressed stop");
    assertRefusedNaming("cancelled", "a second cancel", post(path + "/cancel", null));
    // time travel knows the cancel: the version before it is running, the cancel's is cancelled
    assertThat(server().api().get(path + "?version=" + version, token).bodyAsJsonObject().getString("status"))
        .isEqualTo("running");
    assertThat(server().api().get(path + "?version=" + (version + 1), token).bodyAsJsonObject()
        .getString("status")).isEqualTo("cancelled");
    assertThat(post(path + "/cancel", new JsonObject().put("reason", 5)).statusCode()).isIn(400, 409);
    assertThat(post(path + "/reopen", null).statusCode()).isEqualTo(200);
    assertThat(post(path + "/cancel", new JsonObject().put("reason", "x".repeat(1025))).statusCode()).isEqualTo(400);
    assertThat(post(path + "/cancel", new JsonObject().put("why", "x")).statusCode()).isEqualTo(400);
    assertThat(post(path + "/cancel", null).statusCode()).as("the reason is optional").isEqualTo(200);
    assertThat(post(path + "/events", new JsonObject().put("type", "note")).bodyAsJsonObject().getString("detail"))
        .as("a cancel without a reason names none, not an earlier one").doesNotContain("reason");
  }

  @Test
  void reopenRefusesWhatIsNotTerminalAndBadTargets() {
    setUp("completed");
    for (Object bad : List.of("completed", "cancelled", "done", 7)) {
      HttpResponse<Buffer> response = post(path + "/reopen", new JsonObject().put("status", bad));
      assertThat(response.statusCode()).as("reopen to %s", bad).isEqualTo(400);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    }
    assertThat(post(path + "/reopen", new JsonObject().put("state", new JsonObject())).statusCode()).isEqualTo(400);
    assertThat(post(path + "/reopen", null).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> again = post(path + "/reopen", null);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("detail")).contains("is running");
    assertThat(post(WORKFLOWS + "/nope/reopen", null).statusCode()).isEqualTo(404);
    String reader = server().token("bob", "t-x", "workflows:read");
    assertThat(server().api().post(path + "/reopen", reader, null).statusCode()).isEqualTo(403);
  }

  @Test
  void statusOutsideTheSixIs400() {
    setUp("completed");
    post(path + "/reopen", null);
    for (Object bad : List.of("done", "RUNNING", "", 3)) {
      HttpResponse<Buffer> response = patch(new JsonObject().put("status", bad));
      assertThat(response.statusCode()).as("status %s", bad).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("detail")).contains("pending, running, waiting");
    }
    assertThat(server().api().post(WORKFLOWS, token, new JsonObject().put("id", "x").put("status", "done"))
        .statusCode()).isEqualTo(400);
  }

  @Test
  void aTerminalWorkflowCanBeDeletedAndItsStreamSeesStatusChangedFromAndTo() throws Exception {
    setUp("waiting");
    try (SseClient stream = server().stream(path + "/stream", token, null)) {
      assertThat(stream.next("snapshot", 5)).isNotNull();
      patch(new JsonObject().put("status", "completed"));
      SseEvent changed = stream.next(5);
      assertThat(changed.event()).isEqualTo("status.changed");
      assertThat(changed.json().getJsonObject("data")).isEqualTo(new JsonObject().put("status", "completed")
          .put("from", "waiting").put("to", "completed"));
      assertThat(server().api().delete(path, token).statusCode()).isEqualTo(204);
      assertThat(stream.next(5).event()).isEqualTo("workflow.deleted");
    }
  }
}
