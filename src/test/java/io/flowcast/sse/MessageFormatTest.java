package io.flowcast.sse;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ?format=message}: every frame is an unnamed SSE event (what {@code EventSource.onmessage}
 * receives) with its type inside the data, same ids and resume rules as the named form; every frame
 * that stands for a position carries its seq and epoch.
 */
class MessageFormatTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void everyFrameIsAnUnnamedEventWithItsTypeAndPositionInTheData() {
    String token = server.token("reader", tenant(), TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "plain").put("state", new JsonObject().put("n", 1)));
    try (SseClient sse = server.stream("/api/v1/workflows/plain/stream?format=message", token, null)) {
      SseEvent snapshot = sse.next(5);
      assertThat(snapshot.event()).as("unnamed").isEqualTo("message");
      JsonObject data = snapshot.json();
      assertThat(data.getString("type")).isEqualTo("snapshot");
      assertThat(data.getLong("seq")).isEqualTo(1);
      assertThat(snapshot.id()).isEqualTo(data.getLong("epoch") + "-1");
      assertThat(data.getJsonObject("state")).isEqualTo(new JsonObject().put("n", 1));

      String id = server.api().post("/api/v1/workflows/plain/events", token,
          new JsonObject().put("type", "agent.thought").put("data", new JsonObject().put("text", "hm")))
          .bodyAsJsonObject().getString("id");
      SseEvent thought = sse.next(5);
      assertThat(thought.event()).isEqualTo("message");
      assertThat(thought.id()).isEqualTo(id);
      assertThat(thought.json().getString("type")).isEqualTo("agent.thought");
      assertThat(thought.json().getLong("seq")).isEqualTo(2);
      server.api().patch("/api/v1/workflows/plain", token, new JsonObject().put("state", new JsonObject().put("n", 2)),
          null);
      assertThat(sse.next(5).json().getString("type")).isEqualTo("state.updated");
    }
  }

  @Test
  void resumeAndResetFollowTheSameRulesAsTheNamedForm() {
    String token = server.token("reader", tenant(), TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "again"));
    String first = server.api().post("/api/v1/workflows/again/events", token, new JsonObject().put("type", "a"))
        .bodyAsJsonObject().getString("id");
    server.api().post("/api/v1/workflows/again/events", token, new JsonObject().put("type", "b"));
    try (SseClient sse = server.stream("/api/v1/workflows/again/stream?format=message", token, first)) {
      SseEvent b = sse.next(5);
      assertThat(b.event()).isEqualTo("message");
      assertThat(b.json().getString("type")).isEqualTo("b");
      assertThat(b.seq()).isEqualTo(3);
    }
    try (SseClient sse = server.stream("/api/v1/workflows/again/stream?format=message", token, "not-an-id")) {
      JsonObject reset = sse.next(5).json();
      assertThat(reset.getString("type")).isEqualTo("reset");
      assertThat(reset.getLong("seq")).isEqualTo(3);
    }
  }

  @Test
  void aMultiWorkflowStreamSendsUnnamedEventsToo() {
    String token = server.token("reader", tenant(), TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "m1"));
    server.api().create(token, new JsonObject().put("id", "m2"));
    try (SseClient sse = server.stream("/api/v1/stream?workflow=m1&workflow=m2&format=message", token, null)) {
      assertThat(sse.next(5).json().getString("type")).isEqualTo("snapshot");
      assertThat(sse.next(5).json().getString("type")).isEqualTo("snapshot");
      server.api().post("/api/v1/workflows/m2/events", token, new JsonObject().put("type", "tick"));
      SseEvent tick = sse.next(5);
      assertThat(tick.event()).isEqualTo("message");
      assertThat(tick.json().getString("type")).isEqualTo("tick");
      assertThat(tick.json().getString("workflow_id")).isEqualTo("m2");
      assertThat(tick.id()).startsWith("v1.");
    }
  }

  @Test
  void theNamedFormStaysTheDefaultAndItsSnapshotCarriesItsPositionToo() {
    String token = server.token("reader", tenant(), TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "named"));
    try (SseClient sse = server.stream("/api/v1/workflows/named/stream", token, null)) {
      SseEvent snapshot = sse.next(5);
      assertThat(snapshot.event()).isEqualTo("snapshot");
      assertThat(snapshot.json().getLong("seq")).isEqualTo(1);
      assertThat(snapshot.id()).isEqualTo(snapshot.json().getLong("epoch") + "-1");
    }
  }

  @Test
  void anUnknownFormatIsA400() {
    String token = server.token("reader", tenant(), TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "f"));
    var response = server.api().get("/api/v1/workflows/f/stream?format=json", token);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("format must be event");
  }
}
