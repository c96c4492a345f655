package io.flowcast.ratelimit;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Without Redis the same limits hold in the one process (shared by its HTTP verticles). */
class InMemoryRateLimitTest {
  private static final int BURST = 3;
  @RegisterExtension
  static final StartedServer server = StartedServer.with(Limits.on(BURST).put("ratelimit.max_streams_per_subject", 1));

  @Test
  void writesAreLimitedPerSubjectWithTheSameFields() {
    String tenant = Limits.tenant();
    String token = server.token("alice", tenant, TestServer.RW);
    for (int i = 0; i < BURST; i++) {
      HttpResponse<Buffer> created = server.api().post("/api/v1/workflows", token, new JsonObject().put("id", "w" + i));
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(created.getHeader("RateLimit-Policy")).isEqualTo("\"write\";q=3;w=90");
      assertThat(created.getHeader("RateLimit")).isEqualTo("\"write\";r=" + (BURST - 1 - i) + ";t=" + 30 * (i + 1));
    }
    Limits.refused(server.api().post("/api/v1/workflows", token, new JsonObject().put("id", "no")), "write", 30);
    HttpResponse<Buffer> other = server.api().post("/api/v1/workflows", server.token("bob", tenant, TestServer.RW),
        new JsonObject().put("id", "bobs"));
    assertThat(other.statusCode()).as("another subject has a quota of its own").isEqualTo(201);
    assertThat(server.api().get("/ready", null).bodyAsJsonObject().getString("ratelimit")).isEqualTo("local");
  }

  @Test
  void theStreamCapHoldsAndFreesAsStreamsEnd() throws Exception {
    String token = server.token("alice", Limits.tenant(), TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "wf"));
    String path = "/api/v1/workflows/wf/stream";
    try (SseClient first = server.stream(path, token, null)) {
      assertThat(first.next(5).event()).isEqualTo("snapshot");
      try (SseClient over = server.stream(path, token, null)) {
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.response().getHeader("RateLimit")).isEqualTo("\"streams\";r=0");
      }
    }
    Eventually.await("the closed stream's place free again", Duration.ofSeconds(10), () -> {
      try (SseClient next = server.stream(path, token, null)) {
        return next.status();
      }
    }, status -> status == 200);
  }
}
