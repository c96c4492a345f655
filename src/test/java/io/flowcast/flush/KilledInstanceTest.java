package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.FlowcastProcess;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance's JVM is killed (SIGKILL) in the middle of a write run: the other instance flushes
 * everything the killed one had acknowledged, and nothing is written twice.
 */
class KilledInstanceTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(KilledInstanceTest.class);

  @Test
  void survivorFlushesEverythingTheKilledInstanceAcknowledged() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Databases db = new Databases(vertx, KEY_PREFIX)) {
      db.flushRedis();
      JsonObject config = TestServer.onRedisWithPg(KEY_PREFIX);
      // The doomed instance cannot reach PostgreSQL: its flusher reads entries from the write buffer and
      // holds them unacknowledged, so when it dies the survivor must take them over, not just read new ones.
      try (FlowcastProcess doomed = FlowcastProcess.start(vertx, Map.of(
              "FLOWCAST_REDIS_URL", config.getString("redis.url"),
              "FLOWCAST_REDIS_KEY_PREFIX", config.getString("redis.key_prefix"),
              "FLOWCAST_REDIS_FALLBACK", "none",
              "FLOWCAST_PG_URL", "postgresql://postgres@127.0.0.1:" + TestServer.freePort() + "/test",
              "FLOWCAST_FLUSH_INTERVAL_MS", "100",
              "FLOWCAST_FLUSH_BATCH_SIZE", "200"));
           TestServer survivor = TestServer.start(config)) {
        WebClient client = WebClient.create(vertx);
        int port = doomed.port();
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String token = survivor.token("writer", tenant, TestServer.RW);
        survivor.api().create(token, new JsonObject().put("id", "victim"));
        List<Long> acknowledged = new ArrayList<>();
        AtomicBoolean killed = new AtomicBoolean();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> run = writer.submit(() -> {
          for (int i = 0; i < 100_000 && !killed.get(); i++) {
            try {
              var response = client.post(port, "127.0.0.1", "/api/v1/workflows/victim/events")
                  .putHeader("Authorization", "Bearer " + token)
                  .sendJsonObject(new JsonObject().put("type", "step").put("data", i)).await();
              if (response.statusCode() == 201) {
                synchronized (acknowledged) {
                  acknowledged.add(response.bodyAsJsonObject().getLong("seq"));
                }
              }
            } catch (Exception connectionLost) {
              return;
            }
          }
        });
        Eventually.until("1500 writes acknowledged by the doomed instance", Duration.ofSeconds(60), () -> {
          synchronized (acknowledged) {
            return acknowledged.size() >= 1500;
          }
        });
        long pending = 0;
        for (int shard = 0; shard < db.keys().shards(); shard++) {
          pending += db.redis(Request.cmd(Command.XPENDING).arg(db.keys().outbox(shard)).arg("flushers")).get(0).toLong();
        }
        assertThat(pending).as("the doomed flusher holds unacknowledged entries").isPositive();
        doomed.kill(); // SIGKILL
        killed.set(true);
        run.get(30, TimeUnit.SECONDS);
        writer.shutdown();

        List<Long> expected;
        synchronized (acknowledged) {
          expected = new ArrayList<>(acknowledged);
        }
        expected.add(1L); // workflow.created, acknowledged by the survivor
        List<Long> flushed = Eventually.await("every acknowledged seq flushed: nothing acknowledged is lost",
            Duration.ofSeconds(30), () -> db.flushedSeqs(tenant, "victim"), seqs -> seqs.containsAll(expected));
        assertThat(flushed).as("nothing is written twice").doesNotHaveDuplicates();
        assertThat(flushed.get(0)).isEqualTo(1L);
        assertThat(flushed.get(flushed.size() - 1)).isEqualTo((long) flushed.size());
      }
    } finally {
      vertx.close().await();
    }
  }
}
