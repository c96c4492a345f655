package io.flowcast.http;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotency-Key on Redis between instances: a retry finds the first answer on any instance and after a
 * restart, and a change is recorded in the same step as its record, so a retry after an answer that never
 * came (a 503 after the change) is not applied again.
 */
class IdempotencyAcrossInstancesTest {
  private static final String WORKFLOWS = "/api/v1/workflows";
  @RegisterExtension
  static final StartedServer a = StartedServer.onRedis();
  @RegisterExtension
  static final StartedServer b = StartedServer.onRedis();

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static HttpResponse<Buffer> send(TestServer server, HttpMethod method, String path, String token,
      JsonObject body, String key) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", key);
    return server.api().send(method, path, token, body.toBuffer(), "application/json", headers);
  }

  @Test
  void aRetryOnAnotherInstanceGetsTheFirstAnswerWithoutASecondChange() {
    String token = a.token("writer", tenant(), TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "wf"));
    JsonObject patch = new JsonObject().put("state", new JsonObject().put("step", "review"));
    String key = "\"" + UUID.randomUUID() + "\"";

    HttpResponse<Buffer> first = send(a.get(), HttpMethod.PATCH, WORKFLOWS + "/wf", token, patch, key);
    HttpResponse<Buffer> retry = send(b.get(), HttpMethod.PATCH, WORKFLOWS + "/wf", token, patch, key);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.bodyAsString()).isEqualTo(first.bodyAsString());
    assertThat(retry.getHeader("ETag")).isEqualTo(first.getHeader("ETag"));
    assertThat(retry.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(b.api().get(WORKFLOWS + "/wf", token).bodyAsJsonObject().getLong("version")).isEqualTo(2);
  }

  @Test
  void aRetryAfterTheInstanceRestartedGetsTheFirstAnswer() {
    String tenant = tenant();
    String key = "\"" + UUID.randomUUID() + "\"";
    JsonObject spec = new JsonObject().put("state", new JsonObject().put("step", "triage"));
    HttpResponse<Buffer> first;
    try (TestServer before = TestServer.start(TestServer.onRedis())) {
      first = send(before, HttpMethod.POST, WORKFLOWS, before.token("writer", tenant, TestServer.RW), spec, key);
    }
    assertThat(first.statusCode()).isEqualTo(201);
    try (TestServer after = TestServer.start(TestServer.onRedis())) {
      String token = after.token("writer", tenant, TestServer.RW);
      HttpResponse<Buffer> retry = send(after, HttpMethod.POST, WORKFLOWS, token, spec, key);

      assertThat(retry.statusCode()).isEqualTo(201);
      assertThat(retry.bodyAsString()).isEqualTo(first.bodyAsString());
      assertThat(retry.getHeader("Location")).isEqualTo(first.getHeader("Location"));
      assertThat(retry.getHeader("ETag")).isEqualTo(first.getHeader("ETag"));
      assertThat(after.api().get(WORKFLOWS, token).bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    }
  }

  /**
   * A standalone Redis has no replica: with {@code redis.wait_replicas} 1 a change is made, then waits
   * {@code redis.timeout_ms / 2} for a replica and answers 503. Meanwhile, and after that 503, a retry finds
   * the change recorded with its key: 409, never a second change.
   */
  @Test
  void aRetryWhileTheFirstIsInFlightOrAfterIt503dIs409AndNeverAppliedTwice() throws Exception {
    try (RedisProcess redis = new RedisProcess().start();
         TestServer plain = TestServer.start(new JsonObject().put("redis.url", redis.url())
             .put("redis.fallback", "none"));
         TestServer waiting = TestServer.start(new JsonObject().put("redis.url", redis.url())
             .put("redis.fallback", "none").put("redis.wait_replicas", 1).put("redis.timeout_ms", 6000))) {
      String token = plain.token("writer", "acme", TestServer.RW);
      plain.api().create(token, new JsonObject().put("id", "wf"));
      // a first patch loads patch.lua into Redis, so the held one below waits once (not after a NOSCRIPT too)
      assertThat(plain.api().patch(WORKFLOWS + "/wf", token, new JsonObject().put("status", "running"), null)
          .statusCode()).isEqualTo(200);
      JsonObject patch = new JsonObject().put("status", "waiting");
      String key = "\"" + UUID.randomUUID() + "\"";

      CompletableFuture<HttpResponse<Buffer>> first = CompletableFuture.supplyAsync(() ->
          send(waiting, HttpMethod.PATCH, WORKFLOWS + "/wf", token, patch, key));
      Eventually.until("the first PATCH made its change", Duration.ofSeconds(3), () ->
          plain.api().get(WORKFLOWS + "/wf", token).bodyAsJsonObject().getLong("version") == 3);
      HttpResponse<Buffer> during = send(plain, HttpMethod.PATCH, WORKFLOWS + "/wf", token, patch, key);
      assertThat(first).isNotDone();
      HttpResponse<Buffer> firstAnswer = first.get();
      HttpResponse<Buffer> after = send(plain, HttpMethod.PATCH, WORKFLOWS + "/wf", token, patch, key);

      assertThat(during.statusCode()).isEqualTo(409);
      assertThat(during.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(firstAnswer.statusCode()).isEqualTo(503);
      assertThat(after.statusCode()).isEqualTo(409);
      assertThat(after.bodyAsJsonObject().getString("detail")).contains("answer was lost");
      assertThat(plain.api().get(WORKFLOWS + "/wf", token).bodyAsJsonObject().getLong("version")).isEqualTo(3);
      assertThat(plain.api().get(WORKFLOWS + "/wf/events", token).bodyAsJsonObject().getJsonArray("events"))
          .hasSize(3);
    }
  }
}
