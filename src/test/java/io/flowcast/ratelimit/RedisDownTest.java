package io.flowcast.ratelimit;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis unreachable: the limiter fails open (a local limiter) or closed (503), and says so on /ready. */
class RedisDownTest {
  private static final int BURST = 3;

  private static TestServer server(RedisProcess redis, String failMode) {
    return TestServer.start(Limits.on(BURST).put("redis.url", redis.url()).put("redis.fallback", "none")
        .put("redis.timeout_ms", 1000).put("ratelimit.fail_mode", failMode));
  }

  @Test
  void failOpenLimitsInThisProcessUntilRedisAnswersAgain() throws Exception {
    try (RedisProcess redis = new RedisProcess().start(); TestServer server = server(redis, "open")) {
      String token = server.token("alice", Limits.tenant(), TestServer.RW);
      HttpResponse<Buffer> shared = server.api().post("/api/v1/workflows", token, new JsonObject().put("id", "a"));
      assertThat(shared.statusCode()).isEqualTo(201);
      assertThat(Limits.item(shared.getHeader("RateLimit"), "write")[0]).isEqualTo(BURST - 1);
      assertThat(ready(server).getString("ratelimit")).isEqualTo("redis (fail_mode=open)");

      redis.kill();
      for (int i = 0; i < BURST; i++) {
        HttpResponse<Buffer> admitted = server.api().post("/api/v1/workflows", token, new JsonObject().put("id", "b"));
        assertThat(admitted.statusCode()).as("admitted by the local limiter; the store is down").isEqualTo(503);
        assertThat(Limits.item(admitted.getHeader("RateLimit"), "write")[0]).isEqualTo(BURST - 1 - i);
      }
      Limits.refused(server.api().post("/api/v1/workflows", token, new JsonObject().put("id", "c")), "write", 30);
      JsonObject report = awaitReady("the limiter failing open", server, r -> degraded(r, "fail_mode=open"));
      assertThat(report.getBoolean("ready")).isFalse();

      redis.start();
      awaitReady("the limiter on Redis again", server, r -> !degraded(r, ""));
      // the local quota stays used up for a minute: an admission now comes from the shared one, where
      // one of three was used before Redis went away
      HttpResponse<Buffer> back = awaitAnswer("a write admitted by the shared quota", () -> server.api()
          .post("/api/v1/workflows", token, new JsonObject().put("id", "d")), status -> status != 429);
      assertThat(Limits.item(back.getHeader("RateLimit"), "write")[0]).isBetween(0L, BURST - 2L);
    }
  }

  @Test
  void failClosedAnswers503AndSaysSoOnReady() throws Exception {
    try (RedisProcess redis = new RedisProcess().start(); TestServer server = server(redis, "closed")) {
      String token = server.token("alice", Limits.tenant(), TestServer.RW);
      server.api().create(token, new JsonObject().put("id", "wf"));

      redis.kill();
      for (int i = 0; i < 2; i++) {
        HttpResponse<Buffer> refused = server.api().get("/api/v1/workflows/wf", token);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isNotNull();
        assertThat(refused.bodyAsJsonObject().getString("detail")).contains("rate limits cannot be checked");
      }
      try (SseClient stream = server.stream("/api/v1/workflows/wf/stream", token, null)) {
        assertThat(stream.status()).isEqualTo(503);
      }
      awaitReady("the limiter failing closed", server, r -> degraded(r, "fail_mode=closed"));

      redis.start();
      awaitReady("the limiter on Redis again", server, r -> !degraded(r, ""));
      HttpResponse<Buffer> back = awaitAnswer("a read admitted again", () -> server.api().get("/api/v1/workflows/wf",
          token), status -> status == 200);
      assertThat(back.getHeader("RateLimit")).startsWith("\"read\";r=");
    }
  }

  /**
   * The first answer whose status passes: a pooled connection may still fail once after Redis comes
   * back (the limiter then decides as while Redis was down, and probes again).
   */
  private static HttpResponse<Buffer> awaitAnswer(String what, Eventually.Probe<HttpResponse<Buffer>> request,
      IntPredicate wanted) {
    return Eventually.await(what, Duration.ofSeconds(20), request, answer -> wanted.test(answer.statusCode()));
  }

  private static JsonObject ready(TestServer server) {
    return server.api().get("/ready", null).bodyAsJsonObject();
  }

  /** Whether /ready carries the rate limiter's degraded entry (containing {@code text}). */
  private static boolean degraded(JsonObject report, String text) {
    JsonArray entries = report.getJsonArray("degraded");
    return entries.stream().anyMatch(e -> e.toString().startsWith("rate limiter:") && e.toString().contains(text));
  }

  private static JsonObject awaitReady(String what, TestServer server, Predicate<JsonObject> condition) {
    return Eventually.await("/ready showing " + what, Duration.ofSeconds(20), () -> ready(server), condition);
  }
}
