package io.flowcast.sse;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis stalls (a private redis-server under {@code CLIENT PAUSE ... WRITE}: scripts and PUBLISH wait, as under
 * overload) while PostgreSQL lags behind it (write-behind). The pub/sub probe times out, the transport
 * reconnects (SUBSCRIBE is no write) and streams catch up, but every read times out and falls back to
 * PostgreSQL, which does not hold the stream's newest events yet. That must not look like "the id is
 * unknown": a stream once answered it with a reset to PostgreSQL's older position and then sent the
 * events between it and its own position a second time (the repeats {@code bench sessions} saw).
 */
class CatchUpWhileRedisStallsTest {
  private static final long PAUSE_MS = 10_000;

  @Test
  void aStreamCatchingUpFromALaggingArchiveSendsEachEventOnceInOrder() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String prefix = TestServer.keyPrefix(CatchUpWhileRedisStallsTest.class);
    try (RedisProcess redis = new RedisProcess().withoutAppendOnlyFile().start();
         TestServer server = TestServer.start(TestServer.onRedisWithPg(prefix).put("redis.url", redis.url())
             .put("redis.timeout_ms", 1000).put("flush.interval_ms", 2000).put("sse.heartbeat_ms", 500));
         Databases pg = new Databases(server.vertx(), prefix)) {
      String token = server.token("ops", tenant, TestServer.RW);
      String path = "/api/v1/workflows/stalled";
      server.api().create(token, new JsonObject().put("id", "stalled"));
      Redis admin = Redis.createClient(server.vertx(), redis.url());
      try (SseClient live = server.stream(path + "/stream", token, null)) {
        live.next("snapshot", 5);
        List<JsonObject> acknowledged = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          acknowledged.add(publish(server, token, path, i));
        }
        pg.awaitFlushed(tenant, "stalled", acknowledged.get(2).getLong("seq"));
        // the flush just happened: these stay in Redis only until the next one, which the pause holds up
        for (int i = 3; i < 6; i++) {
          acknowledged.add(publish(server, token, path, i));
        }
        admin.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(PAUSE_MS).arg("WRITE")).await();
        long pausedAt = System.currentTimeMillis();
        assertThat(pg.flushedSeqs(tenant, "stalled")).as("PostgreSQL lags behind Redis")
            .doesNotContain(acknowledged.get(5).getLong("seq"));

        // while Redis stalls, the history falls back to PostgreSQL: an id it does not hold yet is not unknown
        HttpResponse<Buffer> history = server.api().get(path + "/events?after=" + acknowledged.get(4).getString("id"),
            token);
        assertThat(history.statusCode()).as("history after an id PostgreSQL does not hold yet: " + history.bodyAsString())
            .isEqualTo(503);

        Thread.sleep(Math.max(0, PAUSE_MS + 500 - (System.currentTimeMillis() - pausedAt)));
        Eventually.await("writes accepted again", Duration.ofSeconds(20),
            () -> server.api().post(path + "/events", token, new JsonObject().put("type", "probe")).statusCode(),
            status -> status == 201);
        acknowledged.add(publish(server, token, path, 6));

        List<SseEvent> frames = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        while (!seqs.contains(acknowledged.get(acknowledged.size() - 1).getLong("seq"))) {
          SseEvent event = live.next(20);
          frames.add(event);
          if (event.event().equals("tick") || event.event().equals("probe")) {
            seqs.add(event.seq());
          }
        }
        assertThat(frames).as("no reset: the stream's position never went back").noneMatch(f -> f.event().equals("reset"));
        assertThat(seqs).as("each event once, in order").doesNotHaveDuplicates().isSorted();
        assertThat(seqs).containsAll(acknowledged.stream().map(e -> e.getLong("seq")).toList());
      } finally {
        admin.close();
      }
    }
  }

  private static JsonObject publish(TestServer server, String token, String path, int i) {
    HttpResponse<Buffer> response = server.api().post(path + "/events", token,
        new JsonObject().put("type", "tick").put("data", i));
    assertThat(response.statusCode()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }
}
