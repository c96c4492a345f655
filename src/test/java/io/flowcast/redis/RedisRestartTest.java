package io.flowcast.redis;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis is killed and restarted under a running instance: writes answer 503 meanwhile, the instance
 * recovers by itself, open streams stay up and catch up, and nothing Redis acknowledged is lost.
 */
class RedisRestartTest {

  @Test
  void instanceSurvivesARedisRestartWithoutLosingAcknowledgedEvents() throws Exception {
    try (RedisProcess redis = new RedisProcess().start();
         TestServer server = TestServer.start(new JsonObject().put("redis.url", redis.url())
             .put("redis.fallback", "none").put("redis.timeout_ms", 500).put("sse.heartbeat_ms", 200))) {
      String token = server.token("ops", "acme", TestServer.RW);
      String path = "/api/v1/workflows/survivor";
      server.api().create(token, new JsonObject().put("id", "survivor"));
      List<String> acknowledged = new ArrayList<>();
      try (SseClient live = server.stream(path + "/stream", token, null)) {
        live.next("snapshot", 5);
        for (int i = 0; i < 50; i++) {
          acknowledged.add(publish(server, token, path, i));
        }

        redis.kill();
        long started = System.currentTimeMillis();
        HttpResponse<Buffer> down = server.api().post(path + "/events", token, new JsonObject().put("type", "lost"));
        long took = System.currentTimeMillis() - started;
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.getHeader("Retry-After")).isNotNull();
        assertThat(down.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(took).as("503 comes promptly, bounded by redis.timeout_ms").isLessThan(3000);
        awaitReady(server, false);
        int heartbeatsWhileDown = live.comments();
        Thread.sleep(600);
        assertThat(live.comments()).as("the open stream stays up with heartbeats").isGreaterThan(heartbeatsWhileDown);
        assertThat(live.ended()).isFalse();

        redis.start();
        Eventually.await("a write accepted again: recovered by itself", Duration.ofSeconds(20),
            () -> server.api().post(path + "/events", token, new JsonObject().put("type", "probe")).statusCode(),
            status -> status == 201);
        awaitReady(server, true);
        for (int i = 50; i < 60; i++) {
          acknowledged.add(publish(server, token, path, i));
        }

        // every acknowledged event reaches the stream that stayed open, in order, no gap, no duplicate
        List<String> seen = new ArrayList<>();
        long lastSeq = 1;
        while (!seen.contains(acknowledged.get(acknowledged.size() - 1))) {
          SseEvent event = live.next(20);
          assertThat(event.seq()).isEqualTo(lastSeq + 1);
          lastSeq = event.seq();
          seen.add(event.id());
        }
        assertThat(seen).containsAll(acknowledged);
      }

      // a client resuming from before the restart gets everything after its id
      try (SseClient resumed = server.stream(path + "/stream", token, acknowledged.get(9))) {
        List<String> replayed = new ArrayList<>();
        while (!replayed.contains(acknowledged.get(acknowledged.size() - 1))) {
          replayed.add(resumed.next(10).id());
        }
        assertThat(replayed).containsAll(acknowledged.subList(10, acknowledged.size()));
        assertThat(replayed).doesNotHaveDuplicates();
      }
    }
  }

  private static String publish(TestServer server, String token, String path, int i) {
    HttpResponse<Buffer> response = server.api().post(path + "/events", token,
        new JsonObject().put("type", "tick").put("data", i));
    assertThat(response.statusCode()).isEqualTo(201);
    return response.bodyAsJsonObject().getString("id");
  }

  private static void awaitReady(TestServer server, boolean ready) {
    HttpResponse<Buffer> response = Eventually.await("/ready becoming " + ready, Duration.ofSeconds(15),
        () -> server.api().get("/ready", null), answer -> (answer.statusCode() == 200) == ready);
    assertThat(response.bodyAsJsonObject().getBoolean("ready")).isEqualTo(ready);
  }
}
