package io.flowcast.bridge;

import io.flowcast.testsupport.BridgeClient;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.flowcast.testsupport.TestServer.RW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-bus bridge as a client in another language uses it: commands over TCP answered as the HTTP
 * API answers them, and registrations that deliver a workflow's events as its SSE stream does.
 */
class BridgeTest {
  static final int TCP = TestServer.freePort();

  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("bridge.tcp.port", TCP));

  @Test
  void pingIsAnsweredWithPong() {
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.send(new JsonObject().put("type", "ping"));
      assertThat(client.next(5).getString("type")).isEqualTo("pong");
    }
  }

  @Test
  void commandsAreAnsweredAsTheHttpApiAnswersThem() {
    String token = server.token("bob", "t-cmd", RW);
    String id = "br-" + System.nanoTime();
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      JsonObject created = client.call("flowcast.workflow.create", token,
          new JsonObject().put("body", new JsonObject().put("id", id).put("state", new JsonObject().put("n", 1))));
      assertThat(created.getString("type")).isEqualTo("message");
      assertThat(created.getJsonObject("body").getJsonObject("workflow").getLong("version")).isEqualTo(1);

      JsonObject patched = client.call("flowcast.workflow.patch", token, new JsonObject().put("id", id)
          .put("patch", new JsonObject().put("state", new JsonObject().put("n", 2))).put("if_match", 1));
      assertThat(patched.getJsonObject("body").getJsonObject("workflow").getJsonObject("state").getInteger("n"))
          .isEqualTo(2);

      JsonObject stale = client.call("flowcast.workflow.patch", token, new JsonObject().put("id", id)
          .put("patch", new JsonObject().put("state", new JsonObject().put("n", 3))).put("if_match", 1));
      assertThat(stale.getString("type")).isEqualTo("err");
      assertThat(stale.getInteger("failureCode")).isEqualTo(412);
      assertThat(stale.getString("sourceAddress")).isEqualTo("flowcast.workflow.patch");
      assertThat(stale.getJsonObject("body").getString("type")).isEqualTo("urn:flowcast:problem:precondition-failed");
      assertThat(stale.getJsonObject("body").getInteger("status")).isEqualTo(412);

      JsonObject appended = client.call("flowcast.workflow.event.append", token, new JsonObject().put("id", id)
          .put("event", new JsonObject().put("type", "agent.thought").put("data", new JsonObject().put("t", "hi"))));
      assertThat(appended.getJsonObject("body").getJsonObject("event").getString("type")).isEqualTo("agent.thought");

      var http = server.api().get("/api/v1/workflows/" + id, token);
      assertThat(http.statusCode()).isEqualTo(200);
      assertThat(http.bodyAsJsonObject().getJsonObject("state").getInteger("n")).as("one state, either edge").isEqualTo(2);
      assertThat(http.bodyAsJsonObject().getJsonObject("metadata"))
          .isEqualTo(created.getJsonObject("body").getJsonObject("workflow").getJsonObject("metadata"));

      JsonObject history = client.call("flowcast.workflow.events.read", token, new JsonObject().put("id", id)
          .put("limit", 10));
      assertThat(history.getJsonObject("body").getJsonArray("events")).hasSize(3);
      JsonObject missing = client.call("flowcast.workflow.get", token, new JsonObject().put("id", "nope-" + id));
      assertThat(missing.getInteger("failureCode")).isEqualTo(404);
    }
  }

  @Test
  void lifecycleAndTimeTravelCommandsAreAnsweredAsOnHttp() {
    String token = server.token("bob", "t-life", RW);
    String id = "life-" + System.nanoTime();
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.call("flowcast.workflow.create", token, new JsonObject().put("body", new JsonObject().put("id", id)
          .put("state", new JsonObject().put("n", 1))));
      client.call("flowcast.workflow.patch", token, new JsonObject().put("id", id).put("patch", new JsonObject()
          .put("status", "completed").put("state", new JsonObject().put("n", 2))));

      JsonObject refused = client.call("flowcast.workflow.event.append", token, new JsonObject().put("id", id)
          .put("event", new JsonObject().put("type", "note")));
      assertThat(refused.getInteger("failureCode")).isEqualTo(409);
      assertThat(refused.getJsonObject("body").getString("detail")).contains("is completed (a terminal status)");

      JsonObject reopened = client.call("flowcast.workflow.reopen", token, new JsonObject().put("id", id)
          .put("body", new JsonObject().put("status", "waiting")).put("if_match", 2));
      assertThat(reopened.getJsonObject("body").getJsonObject("workflow").getString("status")).isEqualTo("waiting");
      assertThat(reopened.getJsonObject("body").getJsonObject("workflow").getLong("version")).isEqualTo(3);
      JsonObject again = client.call("flowcast.workflow.reopen", token, new JsonObject().put("id", id));
      assertThat(again.getInteger("failureCode")).isEqualTo(409);

      JsonObject first = client.call("flowcast.workflow.at", token, new JsonObject().put("id", id).put("version", 1));
      JsonObject workflow = first.getJsonObject("body").getJsonObject("workflow");
      assertThat(workflow.getString("status")).isEqualTo("pending");
      assertThat(workflow.getJsonObject("state")).isEqualTo(new JsonObject().put("n", 1));
      assertThat(workflow.getLong("version")).isEqualTo(1);

      JsonObject diff = client.call("flowcast.workflow.diff", token, new JsonObject().put("id", id).put("from", 1)
          .put("to", 3));
      assertThat(diff.getJsonObject("body")).isEqualTo(new JsonObject().put("from", 1).put("to", 3).put("patch",
          new JsonObject().put("status", "waiting").put("state", new JsonObject().put("n", 2))));
      JsonObject bad = client.call("flowcast.workflow.at", token, new JsonObject().put("id", id).put("version", 0));
      assertThat(bad.getInteger("failureCode")).isEqualTo(400);
      JsonObject missing = client.call("flowcast.workflow.diff", token, new JsonObject().put("id", id).put("from", 1));
      assertThat(missing.getInteger("failureCode")).isEqualTo(400);
    }
  }

  @Test
  void aRegistrationDeliversTheSnapshotThenEachEventAsItsSseStreamDoes() {
    String token = server.token("bob", "t-reg", RW);
    String id = "reg-" + System.nanoTime();
    server.api().create(token, new JsonObject().put("id", id));
    String address = "flowcast.events." + id;
    try (BridgeClient client = BridgeClient.tcp(TCP);
         SseClient sse = server.stream("/api/v1/workflows/" + id + "/stream?format=message", token, null)) {
      client.register(address, token, null);
      JsonObject snapshot = client.next(5);
      assertThat(snapshot.getString("type")).isEqualTo("message");
      assertThat(snapshot.getString("address")).isEqualTo(address);
      assertThat(snapshot.getJsonObject("body").getString("type")).isEqualTo("snapshot");
      assertThat(snapshot.getJsonObject("body").getLong("seq")).isEqualTo(1);
      SseEvent sseSnapshot = sse.next(5);
      assertThat(snapshot.getJsonObject("headers").getString("id")).isEqualTo(sseSnapshot.id());

      for (int i = 0; i < 5; i++) {
        assertThat(server.api().post("/api/v1/workflows/" + id + "/events", token,
            new JsonObject().put("type", "tick").put("data", new JsonObject().put("i", i))).statusCode()).isEqualTo(201);
      }
      for (int i = 0; i < 5; i++) {
        JsonObject frame = client.next(5);
        SseEvent event = sse.next(5);
        assertThat(frame.getJsonObject("body")).as("the body is the SSE data").isEqualTo(event.json());
        assertThat(frame.getJsonObject("headers").getString("id")).isEqualTo(event.id());
        assertThat(frame.getJsonObject("body").getLong("seq")).isEqualTo(2 + i);
      }
    }
  }

  @Test
  void aRegistrationWithLastEventIdResumesAfterIt() {
    String token = server.token("bob", "t-resume", RW);
    String id = "res-" + System.nanoTime();
    server.api().create(token, new JsonObject().put("id", id));
    String second = null;
    for (int i = 0; i < 4; i++) {
      String eventId = server.api().post("/api/v1/workflows/" + id + "/events", token,
          new JsonObject().put("type", "tick")).bodyAsJsonObject().getString("id");
      second = i == 1 ? eventId : second;
    }
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.register("flowcast.events." + id, token, second);
      assertThat(client.next(5).getJsonObject("body").getLong("seq")).isEqualTo(4);
      assertThat(client.next(5).getJsonObject("body").getLong("seq")).isEqualTo(5);
      assertThat(client.poll(300)).as("nothing before or after").isNull();
    }
  }

  @Test
  void unregisterStopsDeliveries() {
    String token = server.token("bob", "t-unreg", RW);
    String id = "unr-" + System.nanoTime();
    server.api().create(token, new JsonObject().put("id", id));
    try (BridgeClient client = BridgeClient.tcp(TCP)) {
      client.register("flowcast.events." + id, token, null);
      client.next(5);
      client.send(new JsonObject().put("type", "unregister").put("address", "flowcast.events." + id));
      client.send(new JsonObject().put("type", "ping"));
      assertThat(client.next(5).getString("type")).isEqualTo("pong");
      server.api().post("/api/v1/workflows/" + id + "/events", token, new JsonObject().put("type", "tick"));
      assertThat(client.poll(500)).isNull();
      client.send(new JsonObject().put("type", "unregister").put("address", "flowcast.events." + id));
      assertThat(client.next(5).getInteger("failureCode")).as("not registered any more").isEqualTo(404);
    }
  }

  @Test
  void theWebSocketEndpointSpeaksTheSameFrames() {
    String token = server.token("bob", "t-ws", RW);
    String id = "ws-" + System.nanoTime();
    try (BridgeClient client = BridgeClient.webSocket(server.vertx(), server.port())) {
      JsonObject created = client.call("flowcast.workflow.create", token,
          new JsonObject().put("body", new JsonObject().put("id", id)));
      assertThat(created.getJsonObject("body").getJsonObject("workflow").getString("id")).isEqualTo(id);
      client.register("flowcast.events." + id, token, null);
      assertThat(client.next(5).getJsonObject("body").getString("type")).isEqualTo("snapshot");
      server.api().post("/api/v1/workflows/" + id + "/events", token, new JsonObject().put("type", "tick"));
      JsonObject event = client.next(5);
      assertThat(event.getJsonObject("body").getString("type")).isEqualTo("tick");
      assertThat(event.getJsonObject("body").getLong("seq")).isEqualTo(2);
    }
  }

  @Test
  void docsListExactlyTheAddressesOfTheBridge() throws java.io.IOException {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/EVENTBUS.md"));
    String commands = doc.substring(doc.indexOf("### Commands"), doc.indexOf("### Registrations"));
    java.util.Set<String> documented = new java.util.TreeSet<>();
    java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| `(flowcast\\.[a-z.]+)` \\|").matcher(commands);
    while (row.find()) {
      documented.add(row.group(1));
    }
    assertThat(documented).isEqualTo(new java.util.TreeSet<>(BridgeRoutes.addresses()));
  }

  @Test
  void theWebSocketPathWithoutAnUpgradeIsAProblem() {
    var response = server.api().get("/api/v1/bus", null);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("WebSocket");
  }
}
