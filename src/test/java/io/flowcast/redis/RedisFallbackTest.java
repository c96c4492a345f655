package io.flowcast.redis;

import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A configured Redis that is unreachable at start: memory fallback, or not ready. */
class RedisFallbackTest {
  private static JsonObject unreachable(String fallback) {
    return new JsonObject().put("redis.url", "redis://127.0.0.1:" + TestServer.freePort())
        .put("redis.fallback", fallback).put("redis.timeout_ms", 300);
  }

  @Test
  void withMemoryFallbackTheInstanceRunsInMemoryAndSaysSo() {
    try (TestServer server = TestServer.start(unreachable("memory"))) {
      var ready = server.api().get("/ready", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      JsonObject report = ready.bodyAsJsonObject();
      assertThat(report.getString("backend")).isEqualTo("memory");
      assertThat(report.getJsonArray("degraded").encode()).contains("unreachable");
      String token = server.token("dev", "acme", TestServer.RW);
      assertThat(server.api().post("/api/v1/workflows", token, new JsonObject().put("id", "x")).statusCode())
          .isEqualTo(201);
    }
  }

  @Test
  void withoutFallbackTheInstanceIsNotReadyAndMutationsAnswer503() {
    try (TestServer server = TestServer.start(unreachable("none"))) {
      var ready = server.api().get("/ready", null);
      assertThat(ready.statusCode()).isEqualTo(503);
      JsonObject report = ready.bodyAsJsonObject();
      assertThat(report.getString("backend")).isEqualTo("redis");
      assertThat(report.getJsonObject("checks").getJsonObject("redis").getString("status")).isEqualTo("down");
      String token = server.token("dev", "acme", TestServer.RW);
      var created = server.api().post("/api/v1/workflows", token, new JsonObject().put("id", "x"));
      assertThat(created.statusCode()).isEqualTo(503);
      assertThat(created.getHeader("Retry-After")).isNotNull();
    }
  }
}
