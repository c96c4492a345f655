package io.flowcast.bridge;

import io.flowcast.testsupport.BridgeClient;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static io.flowcast.testsupport.TestServer.RW;
import static org.assertj.core.api.Assertions.assertThat;

/** On Redis, the bridge is one service across instances: a change made through A reaches B's clients. */
class BridgeAcrossInstancesTest {

  @Test
  void anEventPublishedOnAReachesBridgeClientsOnB() {
    int tcpA = TestServer.freePort();
    int tcpB = TestServer.freePort();
    try (TestServer a = TestServer.start(TestServer.onRedis().put("bridge.tcp.port", tcpA));
         TestServer b = TestServer.start(TestServer.onRedis().put("bridge.tcp.port", tcpB));
         BridgeClient onA = BridgeClient.tcp(tcpA);
         BridgeClient onB = BridgeClient.tcp(tcpB);
         BridgeClient wsOnB = BridgeClient.webSocket(b.vertx(), b.port())) {
      String token = a.token("agent", "t-across", RW);
      String id = "across-" + System.nanoTime();
      assertThat(onA.call("flowcast.workflow.create", token, new JsonObject().put("body",
          new JsonObject().put("id", id))).getString("type")).isEqualTo("message");

      onB.register("flowcast.events." + id, token, null);
      wsOnB.register("flowcast.events." + id, token, null);
      assertThat(onB.next(5).getJsonObject("body").getLong("seq")).isEqualTo(1);
      assertThat(wsOnB.next(5).getJsonObject("body").getLong("seq")).isEqualTo(1);

      for (int i = 0; i < 3; i++) {
        JsonObject appended = onA.call("flowcast.workflow.event.append", token, new JsonObject().put("id", id)
            .put("event", new JsonObject().put("type", "step").put("data", new JsonObject().put("i", i))));
        JsonObject event = appended.getJsonObject("body").getJsonObject("event");
        JsonObject tcpFrame = onB.next(5);
        JsonObject wsFrame = wsOnB.next(5);
        assertThat(tcpFrame.getJsonObject("body")).as("the event as A stored it").isEqualTo(event);
        assertThat(wsFrame.getJsonObject("body")).isEqualTo(event);
        assertThat(tcpFrame.getJsonObject("headers").getString("id")).isEqualTo(event.getString("id"));
      }
      JsonObject history = onB.call("flowcast.workflow.events.read", token, new JsonObject().put("id", id));
      assertThat(history.getJsonObject("body").getJsonArray("events")).hasSize(4);
    }
  }
}
