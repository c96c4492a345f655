package io.flowcast.health;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** /metrics exports Flowcast's meters in the Prometheus text format. */
class MetricsTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  @Test
  void metricsCountStreamsAndEventsPublishedAndDelivered() {
    String token = server.token("m", "acme", TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "metered"));
    try (SseClient sse = server.stream("/api/v1/workflows/metered/stream", token, null)) {
      sse.next("snapshot", 5);
      for (int i = 0; i < 3; i++) {
        server.api().post("/api/v1/workflows/metered/events", token, new JsonObject().put("type", "tick"));
        sse.next(5);
      }
      var response = server.api().get("/metrics", null);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
      String scrape = response.bodyAsString();
      assertThat(Api.meter(scrape, "flowcast_sse_streams_open")).isEqualTo(1.0);
      assertThat(Api.meter(scrape, "flowcast_events_published_total")).isEqualTo(4.0);
      assertThat(Api.meter(scrape, "flowcast_events_delivered_total")).isEqualTo(3.0);
      // a slice counts its writes when it ends, which may be just after the client read the last one
      double writes = Eventually.await("three live writes counted", Duration.ofSeconds(5),
          () -> server.api().metric("flowcast_sse_live_writes_total"),
          n -> n >= 3.0);
      assertThat(writes).as("each event was published after the previous one arrived: one write each")
          .isEqualTo(3.0);
      assertThat(Api.meter(scrape, "flowcast_sse_slow_consumers_closed_total")).isZero();
      assertThat(scrape).contains("jvm_memory_used_bytes");
    }
    Eventually.await("the closed stream no longer counted", Duration.ofSeconds(5),
        () -> server.api().metric("flowcast_sse_streams_open"), open -> open == 0);
  }
}
