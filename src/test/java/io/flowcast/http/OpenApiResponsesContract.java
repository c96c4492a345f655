package io.flowcast.http;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route of docs/openapi.yaml driven over real HTTP, to its success and its main refusals, and every
 * answer held to the document by {@link OpenApiConformance}: the status is documented for the route, the
 * body (problem+json for refusals) and the documented headers match their schemas, SSE frames match the
 * stream's frame schema; and every request the server accepted is one the document describes (its query
 * parameters and body). Each exchange also expects a status, so the scenario cannot drift into checking
 * something else; the last test checks that every documented operation was answered with its success
 * statuses and that the refusals were all seen. One subclass per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class OpenApiResponsesContract {
  /** Statuses every backend must have shown, across the routes, for the test to count. */
  private static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 404, 409, 412, 413, 415);

  private OpenApiConformance conformance;
  private String tenant;
  private String rw;
  private String readOnly;

  protected abstract StartedServer server();

  /** An account and a client the token endpoint knows: username, password, client id, client secret. */
  protected List<String> credentials() {
    return List.of("alice", "alice-dev-password", "worker", "worker-dev-secret");
  }

  @BeforeAll
  void loadTheServedDocument() {
    HttpResponse<Buffer> served = server().api().get(OpenApi.PATH, null);
    assertThat(served.statusCode()).isEqualTo(200);
    conformance = OpenApiConformance.of(server().vertx(), served.bodyAsJsonObject());
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    rw = server().token("writer", tenant, TestServer.RW);
    readOnly = server().token("reader", tenant, "workflows:read");
  }

  /** Every answer of the test just run, held to the document (all disagreements at once). */
  @AfterEach
  void answersAgreeWithTheDocument() {
    conformance.verify();
  }

  @Test
  @Order(1)
  void operationsAnswerAsDocumented() {
    expect(200, HttpMethod.GET, "/health", null, null, null);
    expect(200, HttpMethod.GET, "/ready", null, null, null);
    expect(200, HttpMethod.GET, "/metrics", null, null, null);
    expect(200, HttpMethod.GET, OpenApi.PATH, null, null, null);
  }

  @Test
  @Order(2)
  void tokenEndpointsAnswerAsDocumented() {
    String form = "application/x-www-form-urlencoded";
    List<String> known = credentials();
    JsonObject tokens = json(expect(200, HttpMethod.POST, "/api/v1/auth/token", null,
        "grant_type=password&username=" + known.get(0) + "&password=" + known.get(1), form));
    expect(200, HttpMethod.POST, "/api/v1/auth/token", null, "grant_type=refresh_token&refresh_token="
        + tokens.getString("refresh_token"), form);
    expect(200, HttpMethod.POST, "/api/v1/auth/token", null, new JsonObject().put("grant_type", "client_credentials")
        .put("client_id", known.get(2)).put("client_secret", known.get(3)).encode(), "application/json");
    expect(400, HttpMethod.POST, "/api/v1/auth/token", null, "grant_type=password&username=" + known.get(0)
        + "&password=nope", form);
    expect(400, HttpMethod.POST, "/api/v1/auth/token", null, "grant_type=magic", form);
    expect(400, HttpMethod.POST, "/api/v1/auth/token", null, "%%%", form);
    MultiMap basic = MultiMap.caseInsensitiveMultiMap().add("Authorization",
        "Basic " + Base64.getEncoder().encodeToString((known.get(2) + ":wrong").getBytes()));
    expect(401, HttpMethod.POST, "/api/v1/auth/token", null, "grant_type=client_credentials", form, basic);
    expect(413, HttpMethod.POST, "/api/v1/auth/token", null, "grant_type=password&username=" + "a".repeat(9000),
        form);
    String refresh = json(expect(200, HttpMethod.POST, "/api/v1/auth/token", null, "grant_type=password&username="
        + known.get(0) + "&password=" + known.get(1), form)).getString("refresh_token");
    expect(200, HttpMethod.POST, "/api/v1/auth/revoke", null, "token=" + refresh, form);
    expect(200, HttpMethod.POST, "/api/v1/auth/revoke", null, "token=not-a-token", form);
    expect(400, HttpMethod.POST, "/api/v1/auth/revoke", null, "", form);
  }

  @Test
  @Order(3)
  void workflowsAnswerAsDocumented() {
    String w = "/api/v1/workflows";
    expect(201, HttpMethod.POST, w, rw, new JsonObject().put("id", "wf-a").put("status", "running")
        .put("state", new JsonObject().put("step", "triage")).put("metadata", new JsonObject().put("k", "v"))
        .put("ttl_seconds", 600));
    expect(201, HttpMethod.POST, w, rw, new JsonObject());
    expect(400, HttpMethod.POST, w, rw, new JsonObject().put("id", "not ok"));
    expect(400, HttpMethod.POST, w, rw, "{", "application/json");
    expect(401, HttpMethod.POST, w, null, new JsonObject());
    expect(401, HttpMethod.POST, w, "not.a.token", new JsonObject());
    expect(403, HttpMethod.POST, w, readOnly, new JsonObject());
    expect(409, HttpMethod.POST, w, rw, new JsonObject().put("id", "wf-a"));
    expect(413, HttpMethod.POST, w, rw, new JsonObject().put("state", new JsonObject().put("big",
        "x".repeat((int) server().config().bodyLimitBytes()))));
    expect(415, HttpMethod.POST, w, rw, "id=x", "text/plain");

    expect(200, HttpMethod.GET, w + "/wf-a", rw, null, null);
    expect(200, HttpMethod.GET, w + "/wf-a", readOnly, null, null);
    expect(404, HttpMethod.GET, w + "/nope", rw, null, null);
    expect(400, HttpMethod.GET, w + "/" + "x".repeat(129), rw, null, null);
    expect(401, HttpMethod.GET, w + "/wf-a", null, null, null);

    expect(200, HttpMethod.GET, w + "?limit=1", rw, null, null);
    expect(200, HttpMethod.GET, w + "?status=running", rw, null, null);
    expect(400, HttpMethod.GET, w + "?limit=0", rw, null, null);
    expect(400, HttpMethod.GET, w + "?status=nope", rw, null, null);
    expect(403, HttpMethod.GET, w, server().token("nobody", tenant, "other"), null, null);

    String patch = new JsonObject().put("status", "waiting").put("state", new JsonObject().put("assignee", "bot"))
        .encode();
    expect(200, HttpMethod.PATCH, w + "/wf-a", rw, patch, "application/merge-patch+json", ifMatch("\"1\""));
    expect(200, HttpMethod.PATCH, w + "/wf-a", rw, "{\"metadata\":{\"k\":null}}", "application/json");
    expect(412, HttpMethod.PATCH, w + "/wf-a", rw, patch, "application/merge-patch+json", ifMatch("\"1\""));
    expect(400, HttpMethod.PATCH, w + "/wf-a", rw, "{\"status\":\"nope\"}", "application/merge-patch+json");
    expect(400, HttpMethod.PATCH, w + "/wf-a", rw, "{\"status\":\"running\"}", "application/merge-patch+json",
        ifMatch("nope"));
    expect(404, HttpMethod.PATCH, w + "/nope", rw, patch, "application/merge-patch+json");
    expect(415, HttpMethod.PATCH, w + "/wf-a", rw, patch, "text/plain");
    expect(403, HttpMethod.PATCH, w + "/wf-a", readOnly, patch, "application/merge-patch+json");

    // time travel and the lifecycle: wf-a is at version 3 (created, then two patches)
    expect(200, HttpMethod.GET, w + "/wf-a?version=1", rw, null, null);
    expect(400, HttpMethod.GET, w + "/wf-a?version=zero", rw, null, null);
    expect(404, HttpMethod.GET, w + "/wf-a?version=99", rw, null, null);
    expect(200, HttpMethod.GET, w + "/wf-a/diff?from=1&to=3", rw, null, null);
    expect(400, HttpMethod.GET, w + "/wf-a/diff?from=1", rw, null, null);
    expect(404, HttpMethod.GET, w + "/nope/diff?from=1&to=2", rw, null, null);
    expect(409, HttpMethod.POST, w + "/wf-a/reopen", rw, new JsonObject());
    expect(201, HttpMethod.POST, w, rw, new JsonObject().put("id", "wf-done").put("status", "running"));
    expect(200, HttpMethod.PATCH, w + "/wf-done", rw, "{\"status\":\"completed\"}", "application/merge-patch+json");
    expect(409, HttpMethod.PATCH, w + "/wf-done", rw, "{\"state\":{\"x\":1}}", "application/merge-patch+json");
    expect(400, HttpMethod.POST, w + "/wf-done/reopen", rw, new JsonObject().put("status", "failed"));
    expect(403, HttpMethod.POST, w + "/wf-done/reopen", readOnly, new JsonObject());
    expect(200, HttpMethod.POST, w + "/wf-done/reopen", rw, new JsonObject().put("status", "waiting"));
    expect(200, HttpMethod.POST, w + "/wf-done/cancel", rw, new JsonObject().put("reason", "stop"));
    expect(409, HttpMethod.POST, w + "/wf-done/cancel", rw, new JsonObject());
    expect(400, HttpMethod.POST, w + "/wf-done/cancel", rw, new JsonObject().put("why", "x"));

    expect(201, HttpMethod.POST, w, rw, new JsonObject().put("id", "wf-gone"));
    expect(204, HttpMethod.DELETE, w + "/wf-gone", rw, null, null);
    expect(404, HttpMethod.DELETE, w + "/wf-gone", rw, null, null);
    expect(403, HttpMethod.DELETE, w + "/wf-a", readOnly, null, null);
  }

  @Test
  @Order(4)
  void eventsAnswerAsDocumented() {
    String wf = create("wf-events");
    JsonObject event = json(expect(201, HttpMethod.POST, wf + "/events", rw, new JsonObject()
        .put("type", "agent.thought").put("data", new JsonObject().put("text", "checking"))
        .put("metadata", new JsonObject().put("m", 1))));
    expect(201, HttpMethod.POST, wf + "/events", rw, new JsonObject().put("type", "agent.note").put("data", 42)
        .put("parent_id", event.getString("id")));
    expect(400, HttpMethod.POST, wf + "/events", rw, new JsonObject().put("type", "workflow.created"));
    expect(400, HttpMethod.POST, wf + "/events", rw, new JsonObject().put("data", 1));
    expect(404, HttpMethod.POST, "/api/v1/workflows/nope/events", rw, new JsonObject().put("type", "x"));
    expect(415, HttpMethod.POST, wf + "/events", rw, "type=x", "application/x-www-form-urlencoded");

    expect(200, HttpMethod.GET, wf + "/events", rw, null, null);
    expect(200, HttpMethod.GET, wf + "/events?limit=1", rw, null, null);
    expect(200, HttpMethod.GET, wf + "/events?after=" + event.getString("id"), rw, null, null);
    expect(400, HttpMethod.GET, wf + "/events?after=x", rw, null, null);
    expect(400, HttpMethod.GET, wf + "/events?limit=abc", rw, null, null);
    expect(404, HttpMethod.GET, "/api/v1/workflows/nope/events", rw, null, null);
  }

  @Test
  @Order(5)
  void streamsAnswerAndFrameAsDocumented() throws InterruptedException {
    String wf = create("wf-stream");
    String single = "/api/v1/workflows/{id}/stream";
    String multi = "/api/v1/stream";
    try (SseClient stream = open(wf + "/stream", rw, null)) {
      SseEvent snapshot = frame(single, stream, "snapshot");
      expect(201, HttpMethod.POST, wf + "/events", rw, new JsonObject().put("type", "agent.thought")
          .put("data", new JsonObject().put("text", "hi")));
      frame(single, stream, "agent.thought");
      expect(200, HttpMethod.PATCH, wf, rw, "{\"status\":\"running\"}", "application/merge-patch+json");
      frame(single, stream, "status.changed");
      try (SseClient resumed = open(wf + "/stream", rw, snapshot.id())) {
        frame(single, resumed, "agent.thought");
      }
    }
    try (SseClient reset = open(wf + "/stream?format=message", rw, "not-an-id")) {
      frame(single, reset, "message");
    }
    try (SseClient expiring = open(wf + "/stream", server().token("short", tenant, TestServer.RW, 2), null)) {
      frame(single, expiring, "snapshot");
      frame(single, expiring, "auth.expired");
    }
    try (SseClient both = open(multi + "?workflow=wf-stream&workflow=" + create("wf-stream-2").substring(
        "/api/v1/workflows/".length()), rw, null)) {
      frame(multi, both, "snapshot");
      frame(multi, both, "snapshot");
    }
    try (SseClient deleted = open(wf + "/stream", rw, null)) {
      frame(single, deleted, "snapshot");
      expect(204, HttpMethod.DELETE, wf, rw, null, null);
      frame(single, deleted, "workflow.deleted");
    }
    expect(400, HttpMethod.GET, "/api/v1/workflows/wf-stream-2/stream?format=nope", rw, null, null);
    expect(401, HttpMethod.GET, "/api/v1/workflows/wf-stream-2/stream", null, null, null);
    expect(403, HttpMethod.GET, "/api/v1/workflows/wf-stream-2/stream", server().token("x", tenant, "other"), null,
        null);
    expect(404, HttpMethod.GET, "/api/v1/workflows/nope/stream", rw, null, null);
    expect(400, HttpMethod.GET, multi, rw, null, null);
    expect(400, HttpMethod.GET, multi + "?workflow=a%20b", rw, null, null);
    expect(404, HttpMethod.GET, multi + "?workflow=nope", rw, null, null);
    expect(401, HttpMethod.GET, multi + "?workflow=wf-stream-2", null, null, null);
  }

  @Test
  @Order(5)
  void theTenantFeedAnswersAndFramesAsDocumented() {
    String feed = "/api/v1/feed";
    create("wf-feed");
    try (SseClient stream = open(feed, rw, null)) {
      frame(feed, stream, "snapshot");
      String wf = create("wf-feed-2");
      frame(feed, stream, "workflow.created");
      expect(200, HttpMethod.PATCH, wf, rw, "{\"status\":\"running\"}", "application/merge-patch+json");
      frame(feed, stream, "workflow.changed");
      expect(204, HttpMethod.DELETE, wf, rw, null, null);
      frame(feed, stream, "workflow.deleted");
    }
    try (SseClient stream = open(feed + "?status=pending&limit=1&format=message", rw, null)) {
      frame(feed, stream, "message");
    }
    try (SseClient expiring = open(feed, server().token("short", tenant, TestServer.RW, 2), null)) {
      frame(feed, expiring, "snapshot");
      frame(feed, expiring, "auth.expired");
    }
    expect(400, HttpMethod.GET, feed + "?status=nope", rw, null, null);
    expect(401, HttpMethod.GET, feed, null, null, null);
    expect(403, HttpMethod.GET, feed, server().token("x", tenant, "other"), null, null);
  }

  @Test
  @Order(6)
  void draftsAnswerAsDocumented() {
    String wf = create("wf-drafts");
    String draft = wf + "/drafts/intro";
    expect(200, HttpMethod.PUT, draft, rw, new JsonObject().put("raw_draft", "Hello").put("diff_summary", "+Hello"));
    expect(200, HttpMethod.PUT, draft, rw, new JsonObject().put("raw_draft", "Hello, world"));
    expect(400, HttpMethod.PUT, draft, rw, new JsonObject().put("raw_draft", 1));
    expect(404, HttpMethod.PUT, "/api/v1/workflows/nope/drafts/intro", rw, new JsonObject().put("raw_draft", "x"));
    expect(415, HttpMethod.PUT, draft, rw, "x", "text/plain");
    expect(200, HttpMethod.GET, wf + "/drafts", rw, null, null);
    expect(200, HttpMethod.GET, draft, rw, null, null);
    expect(404, HttpMethod.GET, wf + "/drafts/none", rw, null, null);
    expect(200, HttpMethod.POST, draft + "/undo", rw, null, null);
    expect(409, HttpMethod.POST, draft + "/undo", rw, null, null);
    expect(200, HttpMethod.POST, draft + "/commit", rw, null, null);
    expect(404, HttpMethod.POST, draft + "/commit", rw, null, null);

    expect(200, HttpMethod.PUT, wf + "/drafts/body", rw, new JsonObject().put("raw_draft", "old base"));
    expect(200, HttpMethod.PATCH, wf, rw, "{\"state\":{\"sections\":{\"body\":\"changed\"}}}",
        "application/merge-patch+json");
    expect(409, HttpMethod.POST, wf + "/drafts/body/commit", rw, null, null);
    expect(204, HttpMethod.DELETE, wf + "/drafts/body", rw, null, null);
    expect(404, HttpMethod.DELETE, wf + "/drafts/body", rw, null, null);
  }

  @Test
  @Order(7)
  void snapshotsAnswerAsDocumented() {
    String wf = create("wf-snapshots");
    expect(201, HttpMethod.POST, wf + "/snapshots", rw, new JsonObject().put("label", "v1"));
    expect(409, HttpMethod.POST, wf + "/snapshots", rw, new JsonObject().put("label", "v1"));
    expect(400, HttpMethod.POST, wf + "/snapshots", rw, new JsonObject().put("label", "a b"));
    expect(200, HttpMethod.GET, wf + "/snapshots", rw, null, null);
    expect(404, HttpMethod.GET, "/api/v1/workflows/nope/snapshots", rw, null, null);
    expect(200, HttpMethod.PATCH, wf, rw, "{\"state\":{\"x\":2}}", "application/merge-patch+json");
    expect(200, HttpMethod.POST, wf + "/rollback", rw, new JsonObject().put("label", "v1"));
    expect(200, HttpMethod.POST, wf + "/rollback", rw, new JsonObject().put("version", 2));
    expect(412, HttpMethod.POST, wf + "/rollback", rw, new JsonObject().put("label", "v1").encode(),
        "application/json", ifMatch("\"1\""));
    expect(404, HttpMethod.POST, wf + "/rollback", rw, new JsonObject().put("label", "none"));
    expect(400, HttpMethod.POST, wf + "/rollback", rw, new JsonObject());
  }

  @Test
  @Order(8)
  void actionsAnswerAsDocumented() {
    String wf = create("wf-actions");
    String actions = wf + "/actions";
    JsonObject first = json(expect(201, HttpMethod.POST, actions, rw, new JsonObject().put("type", "summarize")
        .put("payload", new JsonObject().put("doc", "d-7"))));
    JsonObject second = json(expect(201, HttpMethod.POST, actions, rw, new JsonObject().put("type", "index")));
    expect(400, HttpMethod.POST, actions, rw, new JsonObject().put("type", "x").put("extra", 1));
    expect(404, HttpMethod.POST, "/api/v1/workflows/nope/actions", rw, new JsonObject().put("type", "x"));
    expect(200, HttpMethod.POST, actions + "/claim", rw, new JsonObject().put("worker", "w-1")
        .put("lease_seconds", 30));
    expect(200, HttpMethod.POST, actions + "/claim", rw, new JsonObject().put("worker", "w-2"));
    expect(204, HttpMethod.POST, actions + "/claim", rw, new JsonObject().put("worker", "w-1"));
    expect(400, HttpMethod.POST, actions + "/claim", rw, new JsonObject().put("worker", "w-1").put("lease_seconds", 0));
    expect(200, HttpMethod.GET, actions + "/" + first.getString("id"), rw, null, null);
    expect(404, HttpMethod.GET, actions + "/act-none", rw, null, null);
    expect(200, HttpMethod.POST, actions + "/" + first.getString("id") + "/heartbeat", rw,
        new JsonObject().put("worker", "w-1").put("lease_seconds", 60));
    expect(409, HttpMethod.POST, actions + "/" + first.getString("id") + "/heartbeat", rw,
        new JsonObject().put("worker", "w-9"));
    expect(400, HttpMethod.POST, actions + "/" + first.getString("id") + "/heartbeat", rw, new JsonObject());
    expect(404, HttpMethod.POST, actions + "/act-none/heartbeat", rw, new JsonObject().put("worker", "w-1"));
    expect(200, HttpMethod.POST, actions + "/" + first.getString("id") + "/complete", rw,
        new JsonObject().put("result", new JsonObject().put("ok", true)).put("worker", "w-1"));
    expect(409, HttpMethod.POST, actions + "/" + first.getString("id") + "/complete", rw, new JsonObject());
    expect(404, HttpMethod.POST, actions + "/act-none/complete", rw, new JsonObject());
    expect(200, HttpMethod.POST, actions + "/" + second.getString("id") + "/fail", rw,
        new JsonObject().put("error", "boom").put("retry", true));
    expect(409, HttpMethod.POST, actions + "/" + second.getString("id") + "/fail", rw, new JsonObject());
    expect(404, HttpMethod.POST, actions + "/act-none/fail", rw, new JsonObject());
    expect(200, HttpMethod.GET, actions, rw, null, null);
    expect(200, HttpMethod.GET, actions + "?status=queued&limit=1", rw, null, null);
    expect(400, HttpMethod.GET, actions + "?status=nope", rw, null, null);
  }

  @Test
  @Order(8)
  void outputsAnswerAndFrameAsDocumented() {
    String wf = create("wf-outputs");
    String out = wf + "/outputs/answer";
    String single = "/api/v1/workflows/{id}/stream";
    expect(200, HttpMethod.POST, out + "/append", rw, new JsonObject().put("text", "Hello"));
    try (SseClient stream = open(wf + "/stream", rw, null)) {
      SseEvent snapshot = frame(single, stream, "snapshot");
      frame(single, stream, "output.snapshot");
      expect(200, HttpMethod.POST, out + "/append", rw, new JsonObject().put("text", ", world").put("offset", 5));
      frame(single, stream, "output.delta");
      try (SseClient resumed = open(wf + "/stream", rw, snapshot.id())) {
        frame(single, resumed, "output.snapshot");
      }
      try (SseClient messages = open(wf + "/stream?format=message", rw, null)) {
        frame(single, messages, "message");
        SseEvent soFar = frame(single, messages, "message");
        assertThat(soFar.json().getString("type")).isEqualTo("output.snapshot");
      }
      expect(200, HttpMethod.GET, out, rw, null, null);
      expect(200, HttpMethod.POST, out + "/close", rw, new JsonObject());
      frame(single, stream, "output.closed");
    }
    expect(400, HttpMethod.POST, out + "/append", rw, new JsonObject().put("text", ""));
    expect(400, HttpMethod.GET, wf + "/outputs/a%20b", rw, null, null);
    expect(404, HttpMethod.GET, wf + "/outputs/none", rw, null, null);
    expect(404, HttpMethod.POST, "/api/v1/workflows/nope/outputs/answer/append", rw, new JsonObject().put("text", "x"));
    expect(403, HttpMethod.POST, out + "/append", readOnly, new JsonObject().put("text", "x"));
    expect(401, HttpMethod.GET, out, null, null, null);
    expect(409, HttpMethod.POST, out + "/append", rw, new JsonObject().put("text", "more"));
    expect(409, HttpMethod.POST, out + "/close", rw, new JsonObject());
    expect(412, HttpMethod.POST, wf + "/outputs/second/append", rw, new JsonObject().put("text", "x").put("offset", 3));
    expect(413, HttpMethod.POST, wf + "/outputs/second/append", rw, new JsonObject().put("text",
        "x".repeat(server().config().outputs().maxChars() + 1)));
    expect(415, HttpMethod.POST, wf + "/outputs/second/close", rw, "x", "text/plain");
  }

  @Test
  @Order(9)
  void instancesAnswerAsDocumented() {
    expect(200, HttpMethod.GET, "/api/v1/system/instances", server().token("ops", tenant, "flowcast:admin"), null,
        null);
    expect(403, HttpMethod.GET, "/api/v1/system/instances", rw, null, null);
    expect(401, HttpMethod.GET, "/api/v1/system/instances", null, null, null);
  }

  @Test
  @Order(10)
  void interruptsAnswerAsDocumented() {
    String wf = create("wf-interrupts");
    String interrupts = wf + "/interrupts";
    String answerOnly = server().token("page", tenant, "interrupts:answer");
    JsonObject schema = new JsonObject().put("type", "object").put("required", new io.vertx.core.json.JsonArray()
        .add("decision")).put("properties", new JsonObject().put("decision", new JsonObject().put("type", "string")));
    String id = json(expect(201, HttpMethod.POST, interrupts, rw, new JsonObject().put("kind", "approve")
        .put("prompt", "Send it?").put("schema", schema).put("expires_at", "2999-01-01T00:00:00Z"))).getString("id");
    expect(400, HttpMethod.POST, interrupts, rw, new JsonObject().put("kind", "approve"));
    expect(400, HttpMethod.POST, interrupts, rw, new JsonObject().put("kind", "approve").put("prompt", "?")
        .put("schema", new JsonObject().put("type", "nope")));
    expect(403, HttpMethod.POST, interrupts, answerOnly, new JsonObject().put("kind", "approve").put("prompt", "?"));
    expect(404, HttpMethod.POST, "/api/v1/workflows/nope/interrupts", rw, new JsonObject().put("kind", "approve")
        .put("prompt", "?"));
    expect(415, HttpMethod.POST, interrupts, rw, "kind=approve", "text/plain");
    expect(200, HttpMethod.GET, interrupts, rw, null, null);
    expect(200, HttpMethod.GET, interrupts + "?status=open", answerOnly, null, null);
    expect(400, HttpMethod.GET, interrupts + "?status=nope", rw, null, null);
    expect(200, HttpMethod.GET, interrupts + "/" + id, readOnly, null, null);
    expect(404, HttpMethod.GET, interrupts + "/int-none", rw, null, null);
    String resolve = interrupts + "/" + id + "/resolve";
    expect(400, HttpMethod.POST, resolve, answerOnly, new JsonObject().put("value", new JsonObject().put("decision", 1)));
    expect(403, HttpMethod.POST, resolve, readOnly, new JsonObject().put("value", new JsonObject()
        .put("decision", "approve")));
    expect(200, HttpMethod.POST, resolve, answerOnly, new JsonObject().put("value", new JsonObject()
        .put("decision", "approve")));
    expect(409, HttpMethod.POST, resolve, rw, new JsonObject().put("value", new JsonObject().put("decision", "no")));
    expect(404, HttpMethod.POST, interrupts + "/int-none/resolve", rw, new JsonObject().put("value", 1));

    String soon = java.time.Instant.now().plusSeconds(1).toString();
    String brief = json(expect(201, HttpMethod.POST, interrupts, rw, new JsonObject().put("kind", "approve")
        .put("prompt", "Quick?").put("expires_at", soon))).getString("id");
    io.flowcast.testsupport.Eventually.until("the interrupt expired", java.time.Duration.ofSeconds(10), () ->
        "expired".equals(server().api().get(interrupts + "/" + brief, rw).bodyAsJsonObject().getString("status")));
    expect(410, HttpMethod.POST, interrupts + "/" + brief + "/resolve", rw, new JsonObject().put("value", true));
  }

  @Test
  @Order(12)
  void forkAnswersAsDocumented() {
    String wf = create("wf-fork-src");
    expect(200, HttpMethod.PATCH, wf, rw, "{\"state\":{\"x\":2}}", "application/merge-patch+json");
    expect(201, HttpMethod.POST, wf + "/fork", rw, new JsonObject().put("version", 1).put("id", "wf-fork-1"));
    expect(409, HttpMethod.POST, wf + "/fork", rw, new JsonObject().put("version", 1).put("id", "wf-fork-1"));
    expect(404, HttpMethod.POST, wf + "/fork", rw, new JsonObject().put("version", 9).put("id", "wf-fork-2"));
    expect(404, HttpMethod.POST, "/api/v1/workflows/nope/fork", rw, new JsonObject().put("version", 1)
        .put("id", "wf-fork-2"));
    expect(400, HttpMethod.POST, wf + "/fork", rw, new JsonObject().put("version", 0).put("id", "wf-fork-2"));
    expect(400, HttpMethod.POST, wf + "/fork", rw, new JsonObject().put("version", 1));
    expect(403, HttpMethod.POST, wf + "/fork", readOnly, new JsonObject().put("version", 1).put("id", "wf-fork-2"));
    expect(415, HttpMethod.POST, wf + "/fork", rw, "version=1", "text/plain");
  }

  @Test
  @Order(13)
  void presenceAnswersAsDocumented() {
    String wf = create("wf-presence");
    expect(200, HttpMethod.PUT, wf + "/presence", readOnly, new JsonObject().put("status", "typing"));
    expect(200, HttpMethod.PUT, wf + "/presence", rw, null, null);
    expect(200, HttpMethod.GET, wf + "/presence", readOnly, null, null);
    try (SseClient stream = open(wf + "/stream?presence=watching", readOnly, null)) {
      frame("/api/v1/workflows/{id}/stream", stream, "snapshot");
    }
    expect(400, HttpMethod.PUT, wf + "/presence", rw, new JsonObject().put("status", "a b"));
    expect(400, HttpMethod.GET, wf + "/stream?presence=a%20b", rw, null, null);
    expect(415, HttpMethod.PUT, wf + "/presence", rw, "x", "text/plain");
    expect(404, HttpMethod.GET, "/api/v1/workflows/nope/presence", rw, null, null);
    expect(404, HttpMethod.PUT, "/api/v1/workflows/nope/presence", rw, new JsonObject());
    expect(403, HttpMethod.GET, wf + "/presence", server().token("x", tenant, "other"), null, null);
    expect(204, HttpMethod.DELETE, wf + "/presence", readOnly, null, null);
    expect(404, HttpMethod.DELETE, "/api/v1/workflows/nope/presence", rw, null, null);
  }
  @Test
  @Order(100)
  void everyOperationWasAnsweredWithItsSuccessAndTheRefusalsWereSeen() {
    Map<String, Set<Integer>> checked = conformance.checked();
    List<String> missing = new ArrayList<>();
    Set<Integer> refusals = new TreeSet<>();
    conformance.documented().forEach((operation, statuses) -> {
      Set<Integer> seen = checked.getOrDefault(operation, Set.of());
      for (String status : statuses) {
        if (status.startsWith("2") && !seen.contains(Integer.parseInt(status))) {
          missing.add(operation + " " + status);
        }
      }
      seen.stream().filter(s -> s >= 400).forEach(refusals::add);
    });
    assertThat(missing).as("documented successes no test answered").isEmpty();
    assertThat(refusals).as("refusals seen across the routes").containsAll(REFUSALS);
  }

  private HttpResponse<Buffer> expect(int status, HttpMethod method, String uri, String token, JsonObject body) {
    return expect(status, method, uri, token, body.encode(), "application/json");
  }

  private HttpResponse<Buffer> expect(int status, HttpMethod method, String uri, String token, String body,
      String contentType) {
    return expect(status, method, uri, token, body, contentType, MultiMap.caseInsensitiveMultiMap());
  }

  /** Sends the request, checks its answer against the document, and fails unless it has {@code status}. */
  private HttpResponse<Buffer> expect(int status, HttpMethod method, String uri, String token, String body,
      String contentType, MultiMap headers) {
    HttpResponse<Buffer> response = server().api().send(method, uri, token, body == null ? null : Buffer.buffer(body),
        contentType, headers);
    conformance.check(method, uri, response.statusCode(), response.headers(), response.body());
    if (response.statusCode() / 100 == 2) {
      conformance.checkAccepted(method, uri, contentType, body == null ? null : Buffer.buffer(body));
    }
    assertThat(response.statusCode()).as("%s %s: %s", method, uri, response.bodyAsString()).isEqualTo(status);
    return response;
  }

  private SseClient open(String uri, String token, String lastEventId) {
    SseClient stream = server().stream(uri, token, lastEventId);
    assertThat(stream.status()).as("GET %s", uri).isEqualTo(200);
    conformance.check(HttpMethod.GET, uri, stream.status(), stream.response().headers(), null);
    conformance.checkAccepted(HttpMethod.GET, uri, null, null);
    return stream;
  }

  /** The next frame of {@code stream}, which must be of {@code type}, its data checked against the document. */
  private SseEvent frame(String template, SseClient stream, String type) {
    SseEvent event = stream.next(10);
    conformance.checkFrame(template, event.event(), event.data());
    assertThat(event.event()).as("frame %s", event).isEqualTo(type);
    return event;
  }

  private String create(String id) {
    expect(201, HttpMethod.POST, "/api/v1/workflows", rw, new JsonObject().put("id", id)
        .put("state", new JsonObject().put("x", 1)));
    return "/api/v1/workflows/" + id;
  }

  private static MultiMap ifMatch(String value) {
    return MultiMap.caseInsensitiveMultiMap().add("If-Match", value);
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject();
  }
}
