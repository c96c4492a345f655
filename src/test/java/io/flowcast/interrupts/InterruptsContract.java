package io.flowcast.interrupts;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interrupts over real HTTP and SSE (docs/API.md, "Interrupts"), the same on every backend: raising one makes
 * the workflow wait, answering the last one makes it run again, an answer is checked against the schema and
 * given once, an expired one is gone, a terminal workflow refuses both and ending a workflow closes them.
 */
abstract class InterruptsContract {
  static final JsonObject DECISION = new JsonObject().put("type", "object").put("required", new JsonArray()
      .add("decision")).put("properties", new JsonObject().put("decision", new JsonObject()
      .put("enum", new JsonArray().add("approve").add("reject"))));

  abstract StartedServer server();

  abstract TestClock clock();

  private String token;
  private String tenant;
  private String wf;

  private String tenantOf() {
    return tenant;
  }

  @BeforeEach
  void aWorkflowOfAFreshTenant() {
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    token = server().token("worker", tenant, TestServer.RW);
    wf = "/api/v1/workflows/ticket";
    server().api().create(token, new JsonObject().put("id", "ticket").put("status", "running"));
  }

  private HttpResponse<Buffer> raise(JsonObject body) {
    return server().api().post(wf + "/interrupts", token, body);
  }

  private JsonObject raised(String kind, JsonObject schema) {
    JsonObject body = new JsonObject().put("kind", kind).put("prompt", "Send the reply?");
    if (schema != null) {
      body.put("schema", schema);
    }
    HttpResponse<Buffer> answer = raise(body);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(201);
    return answer.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> resolve(String id, JsonObject body) {
    return server().api().post(wf + "/interrupts/" + id + "/resolve", token, body);
  }

  private JsonObject workflow() {
    return server().api().get(wf, token).bodyAsJsonObject();
  }

  private JsonArray list(String query) {
    HttpResponse<Buffer> answer = server().api().get(wf + "/interrupts" + query, token);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    return answer.bodyAsJsonObject().getJsonArray("items");
  }

  private static void assertProblem(HttpResponse<Buffer> answer, int status, String detail) {
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(status);
    assertThat(answer.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(answer.bodyAsJsonObject().getString("detail")).contains(detail);
  }

  @Test
  void raisingMakesTheWorkflowWaitAndAnsweringTheLastOneMakesItRunAgain() {
    try (SseClient stream = server().stream(wf + "/stream", token, null)) {
      stream.next("snapshot", 5);
      HttpResponse<Buffer> first = raise(new JsonObject().put("kind", "approve").put("prompt", "Refund 40 EUR?"));
      assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
      JsonObject a = first.bodyAsJsonObject();
      assertThat(first.getHeader("Location")).isEqualTo(wf + "/interrupts/" + a.getString("id"));
      assertThat(a.getString("kind")).isEqualTo("approve");
      assertThat(a.getString("prompt")).isEqualTo("Refund 40 EUR?");
      assertThat(a.getString("status")).isEqualTo("open");
      assertThat(a.getString("raised_by")).isEqualTo("worker");
      assertThat(a.getValue("value")).isNull();
      assertThat(workflow().getString("status")).isEqualTo("waiting");
      assertThat(workflow().getLong("version")).isEqualTo(2);

      SseEvent raisedEvent = stream.next("interrupt.raised", 5);
      JsonObject data = raisedEvent.json().getJsonObject("data");
      assertThat(data.getString("id")).isEqualTo(a.getString("id"));
      assertThat(data.getString("from")).isEqualTo("running");
      assertThat(data.getString("to")).isEqualTo("waiting");
      assertThat(raisedEvent.json().getLong("version")).isEqualTo(2);

      JsonObject b = raised("edit", null);
      assertThat(workflow().getLong("version")).as("already waiting: no new version").isEqualTo(2);
      assertThat(stream.next("interrupt.raised", 5).json().getJsonObject("data").containsKey("from")).isFalse();
      assertThat(list("?status=open")).extracting(o -> ((JsonObject) o).getString("id"))
          .containsExactly(a.getString("id"), b.getString("id"));

      HttpResponse<Buffer> answered = resolve(a.getString("id"), new JsonObject().put("value", "yes"));
      assertThat(answered.statusCode()).as(answered.bodyAsString()).isEqualTo(200);
      assertThat(answered.bodyAsJsonObject().getString("status")).isEqualTo("resolved");
      assertThat(answered.bodyAsJsonObject().getString("value")).isEqualTo("yes");
      assertThat(answered.bodyAsJsonObject().getString("resolved_by")).isEqualTo("worker");
      assertThat(workflow().getString("status")).as("another interrupt is still open").isEqualTo("waiting");
      JsonObject resolvedData = stream.next("interrupt.resolved", 5).json().getJsonObject("data");
      assertThat(resolvedData.getString("id")).isEqualTo(a.getString("id"));
      assertThat(resolvedData.getString("value")).isEqualTo("yes");
      assertThat(resolvedData.containsKey("to")).isFalse();

      assertThat(resolve(b.getString("id"), new JsonObject().put("value", new JsonObject().put("text", "v2")))
          .statusCode()).isEqualTo(200);
      JsonObject last = stream.next("interrupt.resolved", 5).json();
      assertThat(last.getJsonObject("data").getString("from")).isEqualTo("waiting");
      assertThat(last.getJsonObject("data").getString("to")).isEqualTo("running");
      assertThat(last.getJsonObject("data").getJsonObject("value").getString("text")).isEqualTo("v2");
      assertThat(last.getLong("version")).isEqualTo(3);
    }
    assertThat(workflow().getString("status")).isEqualTo("running");
    assertThat(workflow().getLong("version")).isEqualTo(3);
    assertThat(list("?status=open")).isEmpty();
    assertThat(list("")).extracting(o -> ((JsonObject) o).getString("status")).containsExactly("resolved", "resolved");
    List<String> types = server().api().get(wf + "/events", token).bodyAsJsonObject().getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("type")).toList();
    assertThat(types).containsExactly("workflow.created", "interrupt.raised", "interrupt.raised",
        "interrupt.resolved", "interrupt.resolved");
  }

  @Test
  void anAnswerMustMatchTheSchemaAndIsGivenOnce() {
    String id = raised("approve", DECISION).getString("id");
    assertThat(server().api().get(wf + "/interrupts/" + id, token).bodyAsJsonObject().getJsonObject("schema"))
        .isEqualTo(DECISION);

    assertProblem(resolve(id, new JsonObject().put("value", new JsonObject().put("decision", "maybe"))), 400,
        "/decision");
    assertProblem(resolve(id, new JsonObject().put("value", "approve")), 400, "does not match the interrupt's schema");
    assertProblem(resolve(id, new JsonObject()), 400, "value is required");
    assertProblem(resolve(id, new JsonObject().put("value", 1).put("extra", 2)), 400, "unknown field 'extra'");
    assertThat(server().api().get(wf + "/interrupts/" + id, token).bodyAsJsonObject().getString("status"))
        .as("a refused answer changes nothing").isEqualTo("open");

    HttpResponse<Buffer> answered = resolve(id, new JsonObject().put("value", new JsonObject().put("decision",
        "reject")));
    assertThat(answered.statusCode()).as(answered.bodyAsString()).isEqualTo(200);
    assertProblem(resolve(id, new JsonObject().put("value", new JsonObject().put("decision", "approve"))), 409,
        "answered already");
    JsonObject kept = server().api().get(wf + "/interrupts/" + id, token).bodyAsJsonObject();
    assertThat(kept.getJsonObject("value").getString("decision")).as("the first answer counts").isEqualTo("reject");
    long answers = server().api().get(wf + "/events", token).bodyAsJsonObject().getJsonArray("events").stream()
        .filter(e -> ((JsonObject) e).getString("type").equals("interrupt.resolved")).count();
    assertThat(answers).isEqualTo(1);
  }

  @Test
  void anAnswerThatSendsTheSchemaIntoALoopIsRefusedNotAFault() {
    JsonObject loopOnA = new JsonObject().put("properties", new JsonObject().put("a",
        new JsonObject().put("$ref", "#/properties/a")));
    String id = raised("approve", loopOnA).getString("id");
    assertProblem(resolve(id, new JsonObject().put("value", new JsonObject().put("a", 1))), 400, "loop");
    assertThat(resolve(id, new JsonObject().put("value", new JsonObject().put("b", 1))).statusCode()).isEqualTo(200);
  }

  @Test
  void aWorkflowHasAtMostAHundredUnansweredInterruptsAndADeletedOneTakesThemAlong() {
    for (int i = 0; i < InterruptStore.MAX_OPEN; i++) {
      assertThat(raise(new JsonObject().put("kind", "approve").put("prompt", "#" + i)).statusCode()).isEqualTo(201);
    }
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "one more")), 409, "100 open interrupts");
    String first = list("").getJsonObject(0).getString("id");
    assertThat(resolve(first, new JsonObject().put("value", true)).statusCode()).isEqualTo(200);
    assertThat(raise(new JsonObject().put("kind", "approve").put("prompt", "now")).statusCode()).isEqualTo(201);

    assertThat(server().api().delete(wf, token).statusCode()).isEqualTo(204);
    server().api().create(token, new JsonObject().put("id", "ticket"));
    assertThat(list("")).as("a new life of the id has none").isEmpty();
    assertProblem(resolve(first, new JsonObject().put("value", true)), 404, "does not exist");
  }

  @Test
  void aRetriedAnswerWithTheSameIdempotencyKeyGetsTheFirstAnswerAgain() {
    String id = raised("approve", null).getString("id");
    String page = server().token("page", tenantOf(), "interrupts:answer");
    io.vertx.core.MultiMap key = io.vertx.core.MultiMap.caseInsensitiveMultiMap()
        .add("Idempotency-Key", "\"" + UUID.randomUUID() + "\"");
    Buffer body = new JsonObject().put("value", "yes").toBuffer();
    HttpResponse<Buffer> first = server().api().send(io.vertx.core.http.HttpMethod.POST,
        wf + "/interrupts/" + id + "/resolve", page, body, "application/json", key);
    HttpResponse<Buffer> again = server().api().send(io.vertx.core.http.HttpMethod.POST,
        wf + "/interrupts/" + id + "/resolve", page, body, "application/json", key);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
    assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
  }

  @Test
  void badInputIsAClearProblem() {
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "?").put("schema",
        new JsonObject().put("type", "nope"))), 400, "not a valid JSON Schema");
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "?").put("schema",
        new JsonObject().put("$ref", "https://example.com/schema.json"))), 400, "refer only to its own parts");
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "?").put("schema",
        new JsonObject().put("$ref", "#/$defs/loop").put("$defs", new JsonObject().put("loop",
            new JsonObject().put("$ref", "#/$defs/loop"))))), 400, "loop");
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "?").put("schema",
        new JsonObject().put("pattern", "("))), 400, "not a valid JSON Schema");
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "?").put("schema", "object")), 400,
        "schema must be a JSON Schema object");
    assertProblem(raise(new JsonObject().put("kind", "approve")), 400, "prompt is required");
    assertProblem(raise(new JsonObject().put("kind", "a b").put("prompt", "?")), 400, "kind is required");
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "?").put("why", 1)), 400,
        "unknown field 'why'");
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "?").put("expires_at", "tomorrow")),
        400, "RFC 3339");
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "?").put("expires_at",
        "2001-01-01T00:00:00Z")), 400, "in the future");
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "?").put("expires_at",
        "+999999999-12-31T23:59:59Z")), 400, "expires_at");
    assertProblem(server().api().send(io.vertx.core.http.HttpMethod.POST, wf + "/interrupts", token,
        Buffer.buffer("{"), "application/json"), 400, "");
    assertProblem(resolve("int-none", new JsonObject().put("value", 1)), 404, "does not exist");
    assertProblem(server().api().get(wf + "/interrupts/int-none", token), 404, "does not exist");
    assertProblem(server().api().get(wf + "/interrupts?status=nope", token), 400, "status must be");
    assertProblem(server().api().post("/api/v1/workflows/none/interrupts", token,
        new JsonObject().put("kind", "approve").put("prompt", "?")), 404, "does not exist");
    assertThat(workflow().getString("status")).as("nothing was raised").isEqualTo("running");
    assertThat(list("")).isEmpty();
  }

  @Test
  void anExpiredInterruptCanNoLongerBeAnswered() {
    String soon = clock().instant().plusSeconds(60).toString();
    HttpResponse<Buffer> raisedAnswer = raise(new JsonObject().put("kind", "approve").put("prompt", "?")
        .put("expires_at", soon));
    assertThat(raisedAnswer.statusCode()).as(raisedAnswer.bodyAsString()).isEqualTo(201);
    String id = raisedAnswer.bodyAsJsonObject().getString("id");
    assertThat(raisedAnswer.bodyAsJsonObject().getString("expires_at")).isNotNull();
    clock().advance(Duration.ofSeconds(61));

    assertThat(server().api().get(wf + "/interrupts/" + id, token).bodyAsJsonObject().getString("status"))
        .isEqualTo("expired");
    assertThat(list("?status=expired")).hasSize(1);
    assertThat(list("?status=open")).isEmpty();
    HttpResponse<Buffer> late = resolve(id, new JsonObject().put("value", true));
    assertProblem(late, 410, "expired");
    assertThat(late.bodyAsJsonObject().getString("type")).isEqualTo("urn:flowcast:problem:gone");
    assertThat(workflow().getString("status")).as("the worker decides what an expired question means")
        .isEqualTo("waiting");
  }

  @Test
  void aTerminalWorkflowRefusesBothAndEndingItClosesItsInterrupts() {
    String id = raised("approve", null).getString("id");
    HttpResponse<Buffer> cancelled = server().api().post(wf + "/cancel", token, new JsonObject().put("reason", "stop"));
    assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
    assertThat(list("")).extracting(o -> ((JsonObject) o).getString("status")).containsExactly("closed");

    assertProblem(resolve(id, new JsonObject().put("value", 1)), 409, "is cancelled (a terminal status)");
    assertProblem(raise(new JsonObject().put("kind", "approve").put("prompt", "?")), 409,
        "is cancelled (a terminal status)");

    assertThat(server().api().post(wf + "/reopen", token, new JsonObject()).statusCode()).isEqualTo(200);
    assertProblem(resolve(id, new JsonObject().put("value", 1)), 409, "terminal status before it was answered");
    assertThat(list("")).extracting(o -> ((JsonObject) o).getString("status")).containsExactly("closed");

    String again = raised("approve", null).getString("id");
    assertThat(server().api().patch(wf, token, new JsonObject().put("status", "completed"), null).statusCode())
        .isEqualTo(200);
    assertThat(server().api().get(wf + "/interrupts/" + again, token).bodyAsJsonObject().getString("status"))
        .as("completing closes them too").isEqualTo("closed");
  }

  @Test
  void aPatchThatMovesTheStatusIsKeptWhenTheLastInterruptIsAnswered() {
    String id = raised("approve", null).getString("id");
    assertThat(server().api().patch(wf, token, new JsonObject().put("status", "pending"), null).statusCode())
        .isEqualTo(200);
    assertThat(resolve(id, new JsonObject().put("value", 1)).statusCode()).isEqualTo(200);
    assertThat(workflow().getString("status")).isEqualTo("pending");
  }
}
