package io.flowcast.sse;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant feed over real HTTP and SSE (docs/API.md, "Tenant feed"), the same on every backend: a
 * snapshot of the tenant's workflows, then every creation, change, deletion and expiry of one of them,
 * never another tenant's, never the state; {@code ?status=} filters.
 */
abstract class TenantFeedContract {
  static final String WORKFLOWS = "/api/v1/workflows";

  abstract StartedServer server();

  /** Where changes are made: the feed's own server, or another instance. */
  StartedServer writer() {
    return server();
  }

  String tenant;
  String token;

  @BeforeEach
  void newTenant() {
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    token = server().token("alice", tenant, TestServer.RW);
  }

  static SseEvent next(SseClient feed) {
    SseEvent event = feed.next(10);
    assertThat(event).as("a feed frame").isNotNull();
    return event;
  }

  /** The first frame: the snapshot. */
  static JsonObject snapshot(SseClient feed) {
    SseEvent first = next(feed);
    assertThat(first.event()).isEqualTo("snapshot");
    assertThat(first.id()).as("the feed is a view: no ids").isNull();
    return first.json();
  }

  private void create(String id, String status) {
    HttpResponse<Buffer> created = writer().api().post(WORKFLOWS, token, new JsonObject().put("id", id)
        .put("status", status).put("state", new JsonObject().put("secret", "state stays out of the feed")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
  }

  private void patch(String id, JsonObject patch) {
    HttpResponse<Buffer> patched = writer().api().patch(WORKFLOWS + "/" + id, token, patch, null);
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
  }

  private static List<String> ids(JsonArray workflows) {
    List<String> ids = new ArrayList<>();
    workflows.forEach(w -> ids.add(((JsonObject) w).getString("id")));
    return ids;
  }

  @Test
  void startsWithASnapshotThenSendsEveryChangeOfTheTenantsWorkflowsAsItsSummary() {
    create("a", "pending");
    create("b", "running");
    patch("a", new JsonObject().put("state", new JsonObject().put("n", 1)));
    String otherToken = server().token("eve", tenant + "-other", TestServer.RW);
    try (SseClient feed = server().stream("/api/v1/feed", token, null)) {
      assertThat(feed.status()).isEqualTo(200);
      JsonObject snapshot = snapshot(feed);
      JsonArray workflows = snapshot.getJsonArray("workflows");
      assertThat(ids(workflows)).containsExactly("b", "a");
      JsonObject a = workflows.getJsonObject(1);
      assertThat(a.getLong("version")).isEqualTo(2);
      assertThat(a.getString("status")).isEqualTo("pending");
      assertThat(a.fieldNames()).containsExactlyInAnyOrder("id", "status", "version", "created_at", "updated_at");

      create("c", "pending");
      SseEvent created = next(feed);
      assertThat(created.event()).isEqualTo("workflow.created");
      assertThat(created.json().getString("id")).isEqualTo("c");
      assertThat(created.json().getLong("version")).isEqualTo(1);
      assertThat(created.json().getString("status")).isEqualTo("pending");
      assertThat(created.data()).doesNotContain("secret");

      // another tenant's workflow and a custom event (no new version) are not on the feed
      writer().api().post(WORKFLOWS, otherToken, new JsonObject().put("id", "a"));
      assertThat(writer().api().post(WORKFLOWS + "/c/events", token, new JsonObject().put("type", "note"))
          .statusCode()).isEqualTo(201);
      patch("c", new JsonObject().put("status", "running"));
      SseEvent changed = next(feed);
      assertThat(changed.event()).isEqualTo("workflow.changed");
      JsonObject change = changed.json();
      assertThat(change.getString("id")).isEqualTo("c");
      assertThat(change.getLong("version")).isEqualTo(2);
      assertThat(change.getString("status")).isEqualTo("running");
      JsonObject current = writer().api().get(WORKFLOWS + "/c", token).bodyAsJsonObject();
      assertThat(change.getString("updated_at")).isEqualTo(current.getString("updated_at"));

      assertThat(writer().api().delete(WORKFLOWS + "/c", token).statusCode()).isEqualTo(204);
      SseEvent deleted = next(feed);
      assertThat(deleted.event()).isEqualTo("workflow.deleted");
      assertThat(deleted.json().getString("id")).isEqualTo("c");
      assertThat(deleted.json().getLong("version")).isEqualTo(2);
    }
  }

  @Test
  void lifecycleMovesAndReviewCommitsAreChanges() {
    create("w", "running");
    try (SseClient feed = server().stream("/api/v1/feed", token, null)) {
      snapshot(feed);
      assertThat(writer().api().post(WORKFLOWS + "/w/cancel", token, new JsonObject().put("reason", "stop"))
          .statusCode()).isEqualTo(200);
      JsonObject cancelled = next(feed).json();
      assertThat(cancelled.getString("status")).isEqualTo("cancelled");
      assertThat(cancelled.getLong("version")).isEqualTo(2);
      assertThat(writer().api().post(WORKFLOWS + "/w/reopen", token, new JsonObject()).statusCode()).isEqualTo(200);
      JsonObject reopened = next(feed).json();
      assertThat(reopened.getString("status")).isEqualTo("running");
      assertThat(reopened.getLong("version")).isEqualTo(3);
      assertThat(writer().api().send(io.vertx.core.http.HttpMethod.PUT, WORKFLOWS + "/w/drafts/intro", token,
          new JsonObject().put("raw_draft", "hello").toBuffer(), "application/json").statusCode()).isEqualTo(200);
      HttpResponse<Buffer> commit = writer().api().post(WORKFLOWS + "/w/drafts/intro/commit", token, new JsonObject());
      assertThat(commit.statusCode()).as(commit.bodyAsString()).isEqualTo(200);
      SseEvent committed = next(feed);
      assertThat(committed.event()).as("a draft is no change; its commit is").isEqualTo("workflow.changed");
      assertThat(committed.json().getLong("version")).isEqualTo(4);
    }
  }

  @Test
  void aForkIsACreation() {
    create("trunk", "running");
    patch("trunk", new JsonObject().put("state", new JsonObject().put("n", 2)));
    try (SseClient feed = server().stream("/api/v1/feed", token, null)) {
      snapshot(feed);
      HttpResponse<Buffer> forked = writer().api().post(WORKFLOWS + "/trunk/fork", token,
          new JsonObject().put("version", 1).put("id", "branch"));
      assertThat(forked.statusCode()).as(forked.bodyAsString()).isEqualTo(201);
      SseEvent created = next(feed);
      assertThat(created.event()).isEqualTo("workflow.created");
      assertThat(created.json().getString("id")).isEqualTo("branch");
      assertThat(created.json().getLong("version")).isEqualTo(1);
    }
  }

  @Test
  void anInterruptThatMovesTheStatusIsAChange() {
    create("asks", "running");
    try (SseClient feed = server().stream("/api/v1/feed", token, null)) {
      snapshot(feed);
      HttpResponse<Buffer> raised = writer().api().post(WORKFLOWS + "/asks/interrupts", token,
          new JsonObject().put("kind", "approval").put("prompt", "ship it?"));
      assertThat(raised.statusCode()).as(raised.bodyAsString()).isEqualTo(201);
      JsonObject waiting = next(feed).json();
      assertThat(waiting.getString("status")).isEqualTo("waiting");
      assertThat(waiting.getLong("version")).isEqualTo(2);
      HttpResponse<Buffer> resolved = writer().api().post(WORKFLOWS + "/asks/interrupts/"
          + raised.bodyAsJsonObject().getString("id") + "/resolve", token, new JsonObject().put("value", true));
      assertThat(resolved.statusCode()).as(resolved.bodyAsString()).isEqualTo(200);
      JsonObject running = next(feed).json();
      assertThat(running.getString("status")).isEqualTo("running");
      assertThat(running.getLong("version")).isEqualTo(3);
    }
  }

  @Test
  void aStatusFilterShowsTheWorkflowsInItAndTellsWhenOneLeavesIt() {
    create("r1", "running");
    create("p1", "pending");
    try (SseClient feed = server().stream("/api/v1/feed?status=running", token, null)) {
      JsonObject snapshot = snapshot(feed);
      assertThat(ids(snapshot.getJsonArray("workflows"))).containsExactly("r1");
      assertThat(snapshot.getString("status")).isEqualTo("running");
      create("p2", "pending");
      patch("p1", new JsonObject().put("status", "running"));
      JsonObject entered = next(feed).json();
      assertThat(entered.getString("id")).as("p2 is not running: not sent").isEqualTo("p1");
      assertThat(entered.getString("status")).isEqualTo("running");
      patch("r1", new JsonObject().put("status", "completed"));
      JsonObject left = next(feed).json();
      assertThat(left.getString("id")).isEqualTo("r1");
      assertThat(left.getString("status")).as("the change that takes it out of the filter").isEqualTo("completed");
      // r1 is no longer shown: its deletion is not sent; p1's change is
      assertThat(writer().api().delete(WORKFLOWS + "/r1", token).statusCode()).isEqualTo(204);
      patch("p1", new JsonObject().put("state", new JsonObject().put("n", 2)));
      JsonObject changed = next(feed).json();
      assertThat(changed.getString("id")).isEqualTo("p1");
      assertThat(changed.getLong("version")).isEqualTo(3);
    }
  }

  @Test
  void anExpiryIsSent() {
    HttpResponse<Buffer> created = writer().api().post(WORKFLOWS, token, new JsonObject().put("id", "brief")
        .put("ttl_seconds", 1));
    assertThat(created.statusCode()).isEqualTo(201);
    try (SseClient feed = server().stream("/api/v1/feed", token, null)) {
      assertThat(ids(snapshot(feed).getJsonArray("workflows"))).containsExactly("brief");
      SseEvent expired = feed.next(15);
      assertThat(expired).isNotNull();
      assertThat(expired.event()).isEqualTo("workflow.expired");
      assertThat(expired.json().getString("id")).isEqualTo("brief");
      assertThat(expired.json().getLong("version")).isEqualTo(1);
    }
  }

  @Test
  void unnamedFormatCarriesTheTypeInTheData() {
    create("m", "pending");
    try (SseClient feed = server().stream("/api/v1/feed?format=message", token, null)) {
      SseEvent first = next(feed);
      assertThat(first.event()).as("unnamed: dispatched as 'message'").isEqualTo("message");
      assertThat(first.json().getString("type")).isEqualTo("snapshot");
      assertThat(ids(first.json().getJsonArray("workflows"))).containsExactly("m");
      patch("m", new JsonObject().put("status", "running"));
      SseEvent changed = next(feed);
      assertThat(changed.event()).isEqualTo("message");
      assertThat(changed.json().getString("type")).isEqualTo("workflow.changed");
      assertThat(changed.json().getString("id")).isEqualTo("m");
    }
  }

  @Test
  void theSnapshotIsLimitedAndSaysWhereTheListGoesOn() {
    for (int i = 0; i < 3; i++) {
      create("l" + i, "pending");
    }
    try (SseClient feed = server().stream("/api/v1/feed?limit=2", token, null)) {
      JsonObject snapshot = snapshot(feed);
      assertThat(ids(snapshot.getJsonArray("workflows"))).containsExactly("l2", "l1");
      String cursor = snapshot.getString("next_cursor");
      assertThat(cursor).isNotNull();
      JsonObject rest = server().api().get(WORKFLOWS + "?cursor=" + cursor, token).bodyAsJsonObject();
      assertThat(ids(rest.getJsonArray("items"))).containsExactly("l0");
    }
  }

  @Test
  void badRequestsAreRefusedWithAProblemBeforeTheStreamOpens() {
    assertProblem("/api/v1/feed?status=nope", token, 400, "status must be");
    assertProblem("/api/v1/feed?limit=x", token, 400, "limit must be an integer");
    assertProblem("/api/v1/feed?limit=0", token, 400, "limit");
    assertProblem("/api/v1/feed?format=xml", token, 400, "format must be");
    assertProblem("/api/v1/feed", null, 401, "");
  }

  private void assertProblem(String path, String withToken, int status, String detail) {
    HttpResponse<Buffer> response = server().api().get(path, withToken);
    assertThat(response.statusCode()).as(path + ": " + response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("detail", "")).contains(detail);
  }
}
