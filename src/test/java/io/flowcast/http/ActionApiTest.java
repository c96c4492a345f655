package io.flowcast.http;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The action endpoints over real HTTP: statuses, bodies, problem details and the events on the stream. */
class ActionApiTest {
  private static final String WF = "/api/v1/workflows/wf-1";
  private static final String ACTIONS = WF + "/actions";

  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();
  private final Api api = server.api();

  private String token;

  @BeforeEach
  void freshWorkflow() {
    token = server.token("agent-1", "acme-" + UUID.randomUUID(), TestServer.RW);
    api.create(token, new JsonObject().put("id", "wf-1").put("status", "running"));
  }

  @Test
  void enqueueAnswers201WithLocationAndTheAction() {
    JsonObject payload = new JsonObject().put("doc", "d-7").put("pages", new JsonArray().add(1).add(2));

    HttpResponse<Buffer> r = api.post(ACTIONS, token,
        new JsonObject().put("type", "summarize").put("payload", payload));

    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject action = r.bodyAsJsonObject();
    assertThat(r.getHeader("Location")).isEqualTo(ACTIONS + "/" + action.getString("id"));
    assertThat(action.getString("type")).isEqualTo("summarize");
    assertThat(action.getJsonObject("payload")).isEqualTo(payload);
    assertThat(action.getString("status")).isEqualTo("queued");
    assertThat(api.get(r.getHeader("Location"), token).bodyAsJsonObject()).isEqualTo(action);
    assertThat(api.get(WF, token).bodyAsJsonObject().getLong("version")).as("actions leave the version").isEqualTo(1);
  }

  @Test
  void claimAnswers200WithTheNextActionThen204WhenNoneIsLeft() {
    String id = enqueue("a").getString("id");

    HttpResponse<Buffer> claimed = api.post(ACTIONS + "/claim", token, new JsonObject().put("worker", "w-1")
        .put("lease_seconds", 5));
    HttpResponse<Buffer> none = api.post(ACTIONS + "/claim", token, new JsonObject().put("worker", "w-1"));

    assertThat(claimed.statusCode()).isEqualTo(200);
    assertThat(claimed.bodyAsJsonObject().getString("id")).isEqualTo(id);
    assertThat(claimed.bodyAsJsonObject().getString("worker")).isEqualTo("w-1");
    assertThat(claimed.bodyAsJsonObject().getString("lease_until")).isNotNull();
    assertThat(none.statusCode()).isEqualTo(204);
    assertThat(none.body()).isNull();
  }

  @Test
  void completeAndFailAnswerTheSettledActionAndSettlingTwiceIs409() {
    String done = enqueue("a").getString("id");
    String dead = enqueue("b").getString("id");
    claim("w-1");
    claim("w-1");

    HttpResponse<Buffer> completed = api.post(ACTIONS + "/" + done + "/complete", token,
        new JsonObject().put("result", new JsonObject().put("ok", true)));
    HttpResponse<Buffer> failed = api.post(ACTIONS + "/" + dead + "/fail", token,
        new JsonObject().put("error", "no such document").put("retry", false));

    assertThat(completed.statusCode()).isEqualTo(200);
    assertThat(completed.bodyAsJsonObject().getString("status")).isEqualTo("completed");
    assertThat(completed.bodyAsJsonObject().getJsonObject("result")).isEqualTo(new JsonObject().put("ok", true));
    assertThat(failed.statusCode()).isEqualTo(200);
    assertThat(failed.bodyAsJsonObject().getString("status")).isEqualTo("failed");
    assertProblem(api.post(ACTIONS + "/" + done + "/complete", token, new JsonObject()), 409, "already completed");
    assertProblem(api.post(ACTIONS + "/" + dead + "/fail", token, new JsonObject().put("retry", true)), 409,
        "failed for good");
    JsonObject deadLetters = api.get(ACTIONS + "?status=failed", token).bodyAsJsonObject();
    assertThat(deadLetters.getJsonArray("items")).hasSize(1);
    assertThat(deadLetters.getJsonArray("items").getJsonObject(0).getString("error")).isEqualTo("no such document");
  }

  @Test
  void listAnswersItemsInQueueOrderWithACursor() {
    List<String> ids = List.of(enqueue("a").getString("id"), enqueue("b").getString("id"),
        enqueue("c").getString("id"));

    JsonObject first = api.get(ACTIONS + "?limit=2", token).bodyAsJsonObject();
    JsonObject rest = api.get(ACTIONS + "?limit=2&cursor=" + first.getString("next_cursor"), token).bodyAsJsonObject();

    assertThat(first.getJsonArray("items").stream().map(a -> ((JsonObject) a).getString("id")))
        .containsExactly(ids.get(0), ids.get(1));
    assertThat(rest.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(ids.get(2));
    assertThat(rest.getValue("next_cursor")).isNull();
  }

  @Test
  void badInputIs400ProblemJson() {
    String id = enqueue("a").getString("id");
    assertProblem(api.post(ACTIONS + "/claim", token, new JsonObject()), 400, "worker is required");
    assertProblem(api.post(ACTIONS + "/claim", token, null), 400, "claim");
    assertProblem(api.post(ACTIONS + "/claim", token, new JsonObject().put("worker", "w 1")), 400, "worker");
    for (Object lease : new Object[] {0, -5, 1.5, "10", 86_401}) {
      assertProblem(api.post(ACTIONS + "/claim", token, new JsonObject().put("worker", "w").put("lease_seconds",
          lease)), 400, "lease_seconds");
    }
    assertProblem(api.post(ACTIONS, token, new JsonObject().put("type", "bad\r\ntype")), 400, "type");
    assertProblem(api.post(ACTIONS, token, new JsonObject().put("payload", 1)), 400, "type");
    assertProblem(api.post(ACTIONS, token, new JsonObject().put("type", "a").put("priority", 1)), 400,
        "unknown field 'priority'");
    assertProblem(api.post(ACTIONS + "/b%20d/complete", token, new JsonObject()), 400, "action id");
    assertProblem(api.post(ACTIONS + "/" + id + "/fail", token, new JsonObject().put("retry", "yes")), 400, "retry");
    assertProblem(api.get(ACTIONS + "?status=done", token), 400, "status");
    assertProblem(api.get(ACTIONS + "?cursor=abc", token), 400, "cursor");
    assertProblem(api.get(ACTIONS + "?limit=0", token), 400, "limit");
    assertProblem(api.send(HttpMethod.POST, ACTIONS, token, Buffer.buffer("type=a"),
        "application/x-www-form-urlencoded"), 415, "Content-Type");
  }

  @Test
  void unknownActionsAndWorkflowsAre404AndReadOnlyTokensMayNotClaim() {
    assertProblem(api.post(ACTIONS + "/act-unknown/complete", token, new JsonObject()), 404, "act-unknown");
    assertProblem(api.get(ACTIONS + "/act-unknown", token), 404, "act-unknown");
    assertProblem(api.post("/api/v1/workflows/nope/actions", token, new JsonObject().put("type", "a")), 404, "nope");
    String reader = server.token("viewer", "acme-" + UUID.randomUUID(), "workflows:read");
    assertProblem(api.post(ACTIONS + "/claim", reader, new JsonObject().put("worker", "w")), 403, "");
  }

  @Test
  void everyStepIsSeenOnTheWorkflowsStream() {
    try (SseClient sse = server.stream(WF + "/stream", token, null)) {
      assertThat(sse.next(5).event()).isEqualTo("snapshot");
      String retried = enqueue("a").getString("id");
      claim("w-1");
      api.post(ACTIONS + "/" + retried + "/fail", token, new JsonObject().put("error", "busy").put("retry", true));
      claim("w-2");
      api.post(ACTIONS + "/" + retried + "/complete", token, new JsonObject().put("result", 42));

      List<SseEvent> events = List.of(sse.next(5), sse.next(5), sse.next(5), sse.next(5), sse.next(5));

      assertThat(events).extracting(SseEvent::event).containsExactly("action.queued", "action.claimed",
          "action.failed", "action.claimed", "action.completed");
      assertThat(events).extracting(SseEvent::seq).containsExactly(2L, 3L, 4L, 5L, 6L);
      assertThat(events.get(4).json().getJsonObject("data")).isEqualTo(new JsonObject().put("id", retried)
          .put("type", "a").put("status", "completed").put("worker", "w-2").put("result", 42));
    }
  }

  private JsonObject enqueue(String type) {
    HttpResponse<Buffer> r = api.post(ACTIONS, token, new JsonObject().put("type", type).put("payload", type));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private JsonObject claim(String worker) {
    HttpResponse<Buffer> r = api.post(ACTIONS + "/claim", token, new JsonObject().put("worker", worker));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String detail) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(r.bodyAsJsonObject().getInteger("status")).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getString("detail")).contains(detail);
  }
}
