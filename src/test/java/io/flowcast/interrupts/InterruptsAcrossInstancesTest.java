package io.flowcast.interrupts;

import io.flowcast.testsupport.BridgeClient;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances sharing one Redis: a worker connected to instance A raises an approval and waits on its
 * workflow's events; a person answers on instance B; the answer reaches the worker on A (SSE stream and
 * bridge registration alike), and both instances see the workflow running again.
 */
class InterruptsAcrossInstancesTest {
  static final int TCP_A = TestServer.freePort();

  @RegisterExtension
  static final StartedServer a = StartedServer.with(TestServer.onRedis().put("bridge.tcp.port", TCP_A));
  @RegisterExtension
  static final StartedServer b = StartedServer.onRedis();

  @Test
  void anAnswerGivenOnInstanceBReachesTheWorkerOnInstanceA() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String worker = a.token("worker", tenant, TestServer.RW);
    String person = b.token("alice", tenant, "interrupts:answer");
    String wf = "/api/v1/workflows/ticket-7";
    a.api().create(worker, new JsonObject().put("id", "ticket-7").put("status", "running"));

    try (SseClient events = a.stream(wf + "/stream", worker, null); BridgeClient bridge = BridgeClient.tcp(TCP_A)) {
      events.next("snapshot", 5);
      bridge.register("flowcast.events.ticket-7", worker, null);
      assertThat(bridge.next(5).getJsonObject("body").getString("type")).isEqualTo("snapshot");
      JsonObject raised = bridge.call("flowcast.workflow.interrupt.raise", worker, new JsonObject().put("id",
          "ticket-7").put("body", new JsonObject().put("kind", "approve").put("prompt", "Refund 40 EUR?")
          .put("schema", InterruptsContract.DECISION)));
      String id = raised.getJsonObject("body").getJsonObject("interrupt").getString("id");
      assertThat(b.api().get(wf, person).bodyAsJsonObject().getString("status")).isEqualTo("waiting");
      assertThat(b.api().get(wf + "/interrupts?status=open", person).bodyAsJsonObject().getJsonArray("items")
          .getJsonObject(0).getString("id")).isEqualTo(id);

      HttpResponse<Buffer> answer = b.api().post(wf + "/interrupts/" + id + "/resolve", person,
          new JsonObject().put("value", new JsonObject().put("decision", "approve")));
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);

      SseEvent resolved = events.next("interrupt.resolved", 10);
      assertThat(resolved.json().getJsonObject("data").getString("id")).isEqualTo(id);
      assertThat(resolved.json().getJsonObject("data").getJsonObject("value").getString("decision"))
          .isEqualTo("approve");
      assertThat(resolved.json().getJsonObject("data").getString("resolved_by")).isEqualTo("alice");
      assertThat(resolved.json().getString("actor")).isEqualTo("alice");
      JsonObject onBridge = bridge.next(f -> f.getJsonObject("body") != null
          && "interrupt.resolved".equals(f.getJsonObject("body").getString("type")), 10);
      assertThat(onBridge.getJsonObject("body").getJsonObject("data").getJsonObject("value").getString("decision"))
          .isEqualTo("approve");
      assertThat(onBridge.getJsonObject("headers").getString("id")).isEqualTo(resolved.id());
    }
    assertThat(a.api().get(wf, worker).bodyAsJsonObject().getString("status")).isEqualTo("running");
    assertThat(a.api().get(wf + "/interrupts/" + a.api().get(wf + "/interrupts", worker).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0).getString("id"), worker).bodyAsJsonObject().getString("status"))
        .isEqualTo("resolved");
  }

  @Test
  void aSecondAnswerOnTheOtherInstanceIsRefused() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = a.token("worker", tenant, TestServer.RW);
    String wf = "/api/v1/workflows/ticket-8";
    a.api().create(token, new JsonObject().put("id", "ticket-8"));
    String id = a.api().post(wf + "/interrupts", token, new JsonObject().put("kind", "approve").put("prompt", "?"))
        .bodyAsJsonObject().getString("id");
    assertThat(a.api().post(wf + "/interrupts/" + id + "/resolve", token, new JsonObject().put("value", "yes"))
        .statusCode()).isEqualTo(200);
    HttpResponse<Buffer> second = b.api().post(wf + "/interrupts/" + id + "/resolve", token,
        new JsonObject().put("value", "no"));
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(b.api().get(wf + "/interrupts/" + id, token).bodyAsJsonObject().getString("value")).isEqualTo("yes");
  }
}
