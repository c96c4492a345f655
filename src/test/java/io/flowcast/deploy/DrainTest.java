package io.flowcast.deploy;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.FlowcastProcess;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.flowcast.testsupport.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code http.drain_ms}: on SIGTERM an instance first says it is not ready while it goes on serving, so a
 * balancer that probes {@code /ready} takes it out of rotation before it stops accepting.
 */
class DrainTest {
  @Test
  void onSigtermReadySaysDrainingWhileRequestsAreStillServedThenTheInstanceExits() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (FlowcastProcess server = FlowcastProcess.start(vertx, Map.of("FLOWCAST_HTTP_DRAIN_MS", "4000"))) {
      Api api = Api.on(vertx, server.port());
      String token = TestServer.defaultToken(vertx, "drainer", "t-drain");
      assertThat(api.get("/ready", null).statusCode()).isEqualTo(200);

      long sent = System.nanoTime();
      server.process().destroy(); // SIGTERM
      JsonObject ready = await("/ready saying draining", Duration.ofSeconds(3), () -> api.get("/ready", null),
          r -> r.statusCode() == 503).bodyAsJsonObject();
      assertThat(ready.getBoolean("draining")).isTrue();
      assertThat(ready.getBoolean("ready")).isFalse();
      assertThat(api.create(token, new JsonObject().put("id", "during-drain")).getString("id"))
          .as("requests are still served while draining").isEqualTo("during-drain");
      assertThat(api.get("/api/v1/workflows/during-drain", token).statusCode()).isEqualTo(200);

      assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).as("exits after the drain").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("not before http.drain_ms")
          .isGreaterThanOrEqualTo(Duration.ofMillis(4000));
      assertThat(server.process().exitValue()).as("the exit status of a JVM ended by SIGTERM").isEqualTo(143);
    } finally {
      vertx.close().await();
    }
  }
}
