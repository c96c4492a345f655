package io.flowcast.outputs;

import io.flowcast.testsupport.BridgeClient;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker on the TCP event-bus bridge streams an answer (output commands) that an SSE reader and a bridge
 * subscriber both follow; a multi-workflow stream carries the same frames.
 */
class OutputsOverTheBridgeTest {
  static final int TCP = TestServer.freePort();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("bridge.tcp.port", TCP));

  @Test
  void aWorkerOnTheBridgeStreamsAnAnswerThatStreamsAndSubscriptionsFollow() {
    String token = server.token("worker", "t-bridge-out", TestServer.RW);
    String id = "out-" + System.nanoTime();
    server.api().create(token, new JsonObject().put("id", id));
    try (BridgeClient worker = BridgeClient.tcp(TCP); BridgeClient watcher = BridgeClient.tcp(TCP);
        SseClient multi = server.stream("/api/v1/stream?workflow=" + id, token, null)) {
      watcher.register("flowcast.events." + id, token, null);
      assertThat(watcher.next(5).getJsonObject("body").getString("type")).isEqualTo("snapshot");
      multi.next("snapshot", 5);
      JsonObject first = worker.call("flowcast.workflow.output.append", token, new JsonObject().put("id", id)
          .put("name", "a1").put("body", new JsonObject().put("text", "Hi")));
      assertThat(first.getJsonObject("body")).isEqualTo(new JsonObject().put("name", "a1").put("offset", 0)
          .put("length", 2));
      // the text so far (the output may be read after the chunk), then every further chunk as a delta
      JsonObject seen = watcher.next(m -> m.getJsonObject("body").getString("type", "").startsWith("output."), 5);
      String text = seen.getJsonObject("body").getString("text");
      assertThat(text).isEqualTo("Hi");
      worker.call("flowcast.workflow.output.append", token, new JsonObject().put("id", id).put("name", "a1")
          .put("body", new JsonObject().put("text", " there")));
      JsonObject delta = watcher.next(5);
      assertThat(delta.getJsonObject("headers")).as("a delta has no position of its own").isNull();
      assertThat(delta.getJsonObject("body").getString("type")).isEqualTo("output.delta");
      assertThat(delta.getJsonObject("body").getLong("offset")).isEqualTo(2L);

      JsonObject refused = worker.call("flowcast.workflow.output.append", token, new JsonObject().put("id", id)
          .put("name", "a1").put("body", new JsonObject().put("text", "")));
      assertThat(refused.getInteger("failureCode")).isEqualTo(400);
      JsonObject closed = worker.call("flowcast.workflow.output.close", token, new JsonObject().put("id", id)
          .put("name", "a1"));
      assertThat(closed.getJsonObject("body")).isEqualTo(new JsonObject().put("name", "a1").put("text", "Hi there")
          .put("closed", true));
      assertThat(watcher.next(5).getJsonObject("body").getString("type")).isEqualTo("output.closed");
      JsonObject read = worker.call("flowcast.workflow.output.get", server.token("reader", "t-bridge-out",
          "workflows:read"), new JsonObject().put("id", id).put("name", "a1"));
      assertThat(read.getJsonObject("body").getString("text")).isEqualTo("Hi there");

      StringBuilder viaMulti = new StringBuilder();
      while (true) {
        var frame = multi.next(5);
        if (frame.event().equals("output.closed")) {
          assertThat(frame.json().getJsonObject("data").getString("text")).isEqualTo("Hi there");
          break;
        }
        if (frame.event().equals("output.snapshot")) {
          viaMulti.replace(0, viaMulti.length(), frame.json().getString("text"));
        } else if (frame.event().equals("output.delta")) {
          assertThat(frame.json().getLong("offset")).isEqualTo(viaMulti.length());
          viaMulti.append(frame.json().getString("text"));
        }
      }
      assertThat(viaMulti.toString()).isEqualTo("Hi there");
    }
  }
}
