package io.flowcast.sse;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An hour-long TTL runs out in a test that takes a second: the in-memory server reads the clock it is
 * given, so the test moves it instead of waiting.
 */
class ExpiryOnAMovedClockTest {
  private static final TestClock clock = new TestClock();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("workflow.expiry_sweep_ms", 100), clock);

  @Test
  void aWorkflowWhoseTtlRanOutOnTheClockIsAnnouncedExpiredAndGone() throws Exception {
    String token = server.token("clock", "t-" + UUID.randomUUID().toString().substring(0, 8), TestServer.RW);
    JsonObject created = server.api().create(token, new JsonObject().put("id", "hour").put("ttl_seconds", 3600));
    assertThat(created.getString("expires_at")).isEqualTo(clock.instant().plusSeconds(3600)
        .truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
    try (SseClient sse = server.stream("/api/v1/workflows/hour/stream", token, null)) {
      sse.next("snapshot", 5);
      clock.advance(Duration.ofSeconds(3599));
      assertThat(sse.poll(300)).as("alive a second before its TTL runs out").isNull();
      assertThat(server.api().get("/api/v1/workflows/hour", token).statusCode()).isEqualTo(200);

      clock.advance(Duration.ofSeconds(3601)); // the read above gave it another full hour
      SseEvent expired = sse.next(5);
      assertThat(expired.event()).isEqualTo("workflow.expired");
      assertThat(expired.seq()).isEqualTo(2);
      assertThat(sse.awaitEnd(5)).isTrue();
    }
    assertThat(server.api().get("/api/v1/workflows/hour", token).statusCode()).isEqualTo(404);
  }
}
