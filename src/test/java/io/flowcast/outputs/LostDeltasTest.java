package io.flowcast.outputs;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.EventDelivery;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deltas are at most once like every pub/sub message: a stream that sees a gap in an output's offsets, or
 * whose transport reconnected, sends the text so far again rather than a text with a hole.
 */
class LostDeltasTest {
  private static final String WF = "/api/v1/workflows/answer";
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  private String token;
  private String tenant;

  private SseClient joined() {
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    token = server.token("model", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "answer"));
    append("abc");
    SseClient sse = server.stream(WF + "/stream", token, null);
    sse.next("snapshot", 5);
    assertThat(sse.next(5).json().getString("text")).isEqualTo("abc");
    return sse;
  }

  private void append(String text) {
    assertThat(server.api().post(WF + "/outputs/reply/append", token, new JsonObject().put("text", text))
        .statusCode()).isEqualTo(200);
  }

  @Test
  void aDeltaBeyondTheTextHeldBringsTheTextSoFarAgain() {
    try (SseClient sse = joined()) {
      // as if the delta of "def" (offset 3) had been lost on the way: the next one begins at 6
      append("def");
      server.vertx().eventBus().publish(Addresses.SSE_DELIVER, EventDelivery.ephemeral(tenant + ":answer",
          "output.delta", OutputEvents.delta("answer", "reply", 99, "zzz")), EventDelivery.LOCAL);
      SseEvent delta = sse.next(5);
      assertThat(delta.event()).isEqualTo("output.delta");
      assertThat(delta.json().getString("text")).isEqualTo("def");
      SseEvent again = sse.next(5);
      assertThat(again.event()).isEqualTo("output.snapshot");
      assertThat(again.json().getString("text")).isEqualTo("abcdef");
      append("g");
      SseEvent next = sse.next(5);
      assertThat(next.event()).isEqualTo("output.delta");
      assertThat(next.json().getLong("offset")).isEqualTo(6L);
    }
  }

  @Test
  void aTransportThatReconnectedBringsTheTextSoFarAgain() {
    try (SseClient sse = joined()) {
      server.vertx().eventBus().publish(Addresses.SSE_RESYNC,
          new JsonObject().put("workflows", new JsonArray().add(tenant + ":answer")));
      SseEvent again = sse.next(5);
      assertThat(again.event()).isEqualTo("output.snapshot");
      assertThat(again.json().getString("text")).isEqualTo("abc");
      append("d");
      assertThat(sse.next(5).json().getLong("offset")).isEqualTo(3L);
    }
  }
}
