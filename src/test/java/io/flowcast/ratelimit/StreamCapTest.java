package io.flowcast.ratelimit;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The cap on a subject's concurrent streams holds across two instances on one Redis. */
class StreamCapTest {
  private static final int CAP = 2;
  @RegisterExtension
  static final StartedServer a = capped();
  @RegisterExtension
  static final StartedServer b = capped();

  private static StartedServer capped() {
    JsonObject limits = Limits.on(100_000).put("ratelimit.max_streams_per_subject", CAP);
    return StartedServer.with(TestServer.onRedis().mergeIn(limits));
  }

  private static String workflow(String token) {
    a.api().create(token, new JsonObject().put("id", "wf"));
    return "/api/v1/workflows/wf/stream";
  }

  @Test
  void streamsOnEitherInstanceCountTowardsOneCap() throws Exception {
    String tenant = Limits.tenant();
    String token = a.token("alice", tenant, TestServer.RW);
    String path = workflow(token);
    try (SseClient onA = a.stream(path, token, null); SseClient onB = b.stream(path, token, null)) {
      assertThat(onA.next(5).event()).isEqualTo("snapshot");
      assertThat(onB.next(5).event()).isEqualTo("snapshot");
      assertThat(Limits.item(onB.response().getHeader("RateLimit"), "streams")[0]).as("free after this one").isZero();
      for (StartedServer server : new StartedServer[] {a, b}) {
        try (SseClient over = server.stream(path, token, null)) {
          assertThat(over.status()).isEqualTo(429);
          assertThat(over.response().getHeader("Content-Type")).isEqualTo("application/problem+json");
          assertThat(Long.parseLong(over.response().getHeader("Retry-After"))).isPositive();
          assertThat(over.response().getHeader("RateLimit")).isEqualTo("\"streams\";r=0");
          assertThat(over.response().getHeader("RateLimit-Policy")).contains("\"streams\";q=2;qu=\"concurrent-requests\"");
        }
      }
      try (SseClient otherSubject = b.stream(path, a.token("bob", tenant, TestServer.RW), null)) {
        assertThat(otherSubject.status()).as("the cap is per subject").isEqualTo(200);
      }

      onA.close();
      try (SseClient freed = openWhenFree(b, path, token)) {
        assertThat(freed.next(5).event()).isEqualTo("snapshot");
        try (SseClient over = a.stream(path, token, null)) {
          assertThat(over.status()).isEqualTo(429);
        }
      }
    }
  }

  @Test
  void streamsThatFailToOpenOrEndGiveTheirPlaceBack() throws Exception {
    String token = a.token("alice", Limits.tenant(), TestServer.RW);
    String path = workflow(token);
    for (int i = 0; i < 2 * CAP; i++) {
      try (SseClient missing = (i % 2 == 0 ? a : b).stream("/api/v1/workflows/none/stream", token, null)) {
        assertThat(missing.status()).isEqualTo(404);
      }
    }
    try (SseClient one = a.stream(path, token, null); SseClient two = b.stream(path, token, null)) {
      assertThat(one.status()).isEqualTo(200);
      assertThat(two.status()).isEqualTo(200);
      assertThat(a.api().delete("/api/v1/workflows/wf", token).statusCode()).isEqualTo(204);
      assertThat(one.awaitEnd(10)).as("a deleted workflow ends its streams").isTrue();
      assertThat(two.awaitEnd(10)).isTrue();
    }
    a.api().create(token, new JsonObject().put("id", "wf"));
    try (SseClient again = openWhenFree(a, path, token); SseClient twice = openWhenFree(b, path, token)) {
      assertThat(again.status()).isEqualTo(200);
      assertThat(twice.status()).isEqualTo(200);
    }
  }

  /** Streams give their place back as the server sees them end: shortly, not at once. */
  private static SseClient openWhenFree(StartedServer server, String path, String token) {
    return Eventually.await("a free place for a stream", Duration.ofSeconds(10), () -> {
      SseClient stream = server.stream(path, token, null);
      if (stream.status() != 200) {
        stream.close();
      }
      return stream;
    }, stream -> stream.status() == 200);
  }
}
