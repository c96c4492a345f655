package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault the durability promise is about: two instances on one Redis that keeps nothing on disk, and
 * PostgreSQL; writers on both instances; Redis is killed and started again, empty. Every acknowledged
 * event is then either in the history with what it carried, or counted lost (write-behind's unflushed
 * tail; none with write-through); no id ever names another event, and none appears twice.
 */
class RedisRestartUnderWritersTest {
  private static final int WRITERS = 4;

  /** What one writer was told: the id of each event it sent, and the number it carried. */
  private record Acknowledged(String workflow, String id, int n) {
  }

  @ParameterizedTest
  @ValueSource(strings = {"write-behind", "write-through"})
  void afterRedisLostEverythingNoAcknowledgedIdNamesAnotherEvent(String mode) throws Exception {
    Vertx vertx = Vertx.vertx();
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    try (Databases db = new Databases(vertx, TestServer.keyPrefix(RedisRestartUnderWritersTest.class));
         RedisProcess redis = new RedisProcess().withoutAppendOnlyFile().start()) {
      JsonObject config = new JsonObject().put("redis.url", redis.url()).put("redis.fallback", "none")
          .put("redis.timeout_ms", 500).put("pg.url", TestServer.pgUrl()).put("persistence.mode", mode)
          .put("flush.interval_ms", 100).put("flush.claim_idle_ms", 1000);
      try (TestServer a = TestServer.start(config); TestServer b = TestServer.start(config)) {
        String token = a.token("writer", tenant, TestServer.RW);
        for (int w = 0; w < WRITERS; w++) {
          a.api().create(token, new JsonObject().put("id", "w" + w));
        }
        List<Acknowledged> acknowledged = new ArrayList<>();
        Map<String, Integer> refused = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          TestServer instance = w % 2 == 0 ? a : b;
          String workflow = "w" + w;
          List<Acknowledged> mine = new ArrayList<>();
          Thread writer = new Thread(() -> {
            for (int n = 0; running.get(); n++) {
              HttpResponse<Buffer> r = instance.api().post("/api/v1/workflows/" + workflow + "/events", token,
                  new JsonObject().put("type", "tick").put("data", new JsonObject().put("n", n)));
              if (r.statusCode() == 201) {
                mine.add(new Acknowledged(workflow, r.bodyAsJsonObject().getString("id"), n));
              } else {
                refused.merge(String.valueOf(r.statusCode()), 1, Integer::sum);
              }
            }
            synchronized (acknowledged) {
              acknowledged.addAll(mine);
            }
          });
          writer.start();
          writers.add(writer);
        }
        Thread.sleep(1500);
        redis.kill();
        Thread.sleep(1000);
        redis.start(); // empty: it kept nothing on disk
        Thread.sleep(2500);
        running.set(false);
        for (Thread writer : writers) {
          writer.join(30_000);
        }

        Map<String, Integer> carried = new HashMap<>();
        int duplicated = 0;
        for (int w = 0; w < WRITERS; w++) {
          Set<String> seen = new HashSet<>();
          for (JsonObject event : history(a, token, "w" + w)) {
            if (!seen.add(event.getString("id"))) {
              duplicated++;
            }
            JsonObject data = event.getJsonObject("data");
            if (data != null && data.containsKey("n")) {
              carried.put(event.getString("id"), data.getInteger("n"));
            }
          }
        }
        int lost = 0;
        int renumbered = 0;
        for (Acknowledged ack : acknowledged) {
          Integer n = carried.get(ack.id());
          if (n == null) {
            lost++;
          } else if (n != ack.n()) {
            renumbered++;
          }
        }
        System.out.printf("%s: acknowledged %d, lost %d, renumbered %d, duplicated %d, refused %s%n", mode,
            acknowledged.size(), lost, renumbered, duplicated, refused);
        assertThat(acknowledged.size()).as("writes went on before and after the restart").isGreaterThan(40);
        assertThat(renumbered).as("an acknowledged id never names another event").isZero();
        assertThat(duplicated).isZero();
        if (mode.equals("write-through")) {
          assertThat(lost).as("write-through acknowledges only what PostgreSQL has").isZero();
        }
      }
    } finally {
      vertx.close().await();
    }
  }

  /** A workflow's whole history, page by page. */
  private static List<JsonObject> history(TestServer server, String token, String workflow) {
    List<JsonObject> events = new ArrayList<>();
    String after = null;
    while (true) {
      JsonObject page = server.api().get("/api/v1/workflows/" + workflow + "/events?limit=1000"
          + (after == null ? "" : "&after=" + after), token).bodyAsJsonObject();
      JsonArray batch = page.getJsonArray("events");
      batch.forEach(e -> events.add((JsonObject) e));
      if (!page.getBoolean("has_more") || batch.isEmpty()) {
        return events;
      }
      after = events.get(events.size() - 1).getString("id");
    }
  }
}
