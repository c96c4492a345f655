package io.flowcast.redis;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Two Flowcast instances on one Redis act as one service. */
class TwoInstanceTest {
  @RegisterExtension
  static final StartedServer a = StartedServer.onRedis();
  @RegisterExtension
  static final StartedServer b = StartedServer.onRedis();
  private static final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  /** A tenant of its own per test, so runs never see each other's data in the shared Redis. */
  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String path(String id) {
    return "/api/v1/workflows/" + id;
  }

  @Test
  void subscriberOnBReceivesEveryEventPublishedOnAInOrderExactlyOnce() throws Exception {
    String tenant = tenant();
    String token = a.token("pub", tenant, TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "busy"));
    int publishers = 8;
    int each = 625;
    long last = 1 + (long) publishers * each;
    try (SseClient sse = b.stream(path("busy") + "/stream", token, null)) {
      assertThat(sse.next(5).event()).isEqualTo("snapshot");
      List<Future<?>> running = new ArrayList<>();
      for (int p = 0; p < publishers; p++) {
        running.add(pool.submit((Callable<Void>) () -> {
          for (int i = 0; i < each; i++) {
            int status = a.api().post(path("busy") + "/events", token, new JsonObject().put("type", "tick"))
                .statusCode();
            assertThat(status).isEqualTo(201);
          }
          return null;
        }));
      }
      for (long expected = 2; expected <= last; expected++) {
        SseEvent event = sse.next(20);
        assertThat(event.seq()).as("in order, no gap, no duplicate").isEqualTo(expected);
      }
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(sse.poll(500)).as("nothing more than the 5,000 events").isNull();
    }
  }

  @Test
  void clientThatReadPartOfAStreamOnAResumesOnBWithoutLoss() throws Exception {
    String tenant = tenant();
    String token = a.token("reader", tenant, TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "handover"));
    String lastId;
    long lastSeq = 1;
    Future<?> publishing;
    try (SseClient onA = a.stream(path("handover") + "/stream", token, null)) {
      lastId = onA.next("snapshot", 5).id();
      publishing = pool.submit((Callable<Void>) () -> {
        for (int i = 0; i < 600; i++) {
          assertThat(a.api().post(path("handover") + "/events", token, new JsonObject().put("type", "tick"))
              .statusCode()).isEqualTo(201);
        }
        return null;
      });
      for (int i = 0; i < 150; i++) {
        SseEvent event = onA.next(10);
        assertThat(event.seq()).isEqualTo(lastSeq + 1);
        lastSeq = event.seq();
        lastId = event.id();
      }
    }
    try (SseClient onB = b.stream(path("handover") + "/stream", token, lastId)) {
      while (lastSeq < 601) {
        SseEvent event = onB.next(20);
        assertThat(event.seq()).isEqualTo(lastSeq + 1);
        lastSeq = event.seq();
      }
      publishing.get(60, TimeUnit.SECONDS);
      assertThat(onB.poll(300)).isNull();
    }
  }

  @Test
  void deleteOnAClosesStreamsOnB() throws Exception {
    String tenant = tenant();
    String token = a.token("owner", tenant, TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "doomed"));
    try (SseClient onB = b.stream(path("doomed") + "/stream", token, null)) {
      onB.next("snapshot", 5);
      assertThat(a.api().delete(path("doomed"), token).statusCode()).isEqualTo(204);
      assertThat(onB.next(5).event()).isEqualTo("workflow.deleted");
      assertThat(onB.awaitEnd(5)).isTrue();
    }
    assertThat(b.api().get(path("doomed"), token).statusCode()).isEqualTo(404);
  }

  @Test
  void concurrentIfMatchPatchesFromBothInstancesHaveExactlyOneWinnerPerVersion() throws Exception {
    String tenant = tenant();
    String token = a.token("racer", tenant, TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "contended").put("state", new JsonObject().put("n", 0)));
    int rounds = 40;
    StartedServer[] sides = {a, b, a, b};
    for (int round = 1; round <= rounds; round++) {
      long version = round;
      List<Future<Integer>> attempts = new ArrayList<>();
      for (int c = 0; c < sides.length; c++) {
        StartedServer side = sides[c];
        int client = c;
        attempts.add(pool.submit(() -> side.api().patch(path("contended"), token,
            new JsonObject().put("state", new JsonObject().put("n", version).put("by", client)),
            "\"" + version + "\"").statusCode()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : attempts) {
        statuses.add(f.get(10, TimeUnit.SECONDS));
      }
      assertThat(statuses).as("round " + round).containsOnly(200, 412);
      assertThat(statuses.stream().filter(s -> s == 200).count()).as("one winner in round " + round).isEqualTo(1);
    }
    JsonObject workflow = b.api().get(path("contended"), token).bodyAsJsonObject();
    assertThat(workflow.getLong("version")).isEqualTo(rounds + 1L);
    JsonObject history = a.api().get(path("contended") + "/events?limit=1000", token).bodyAsJsonObject();
    assertThat(history.getJsonArray("events")).hasSize(rounds + 1);
  }

  @Test
  void concurrentUnconditionalPatchesFromBothInstancesLoseNoUpdate() throws Exception {
    String tenant = tenant();
    String token = a.token("counter", tenant, TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "merged"));
    List<Future<Integer>> writes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      StartedServer side = i % 2 == 0 ? a : b;
      String field = "k" + i;
      writes.add(pool.submit(() -> side.api().patch(path("merged"), token,
          new JsonObject().put("state", new JsonObject().put(field, true)), null).statusCode()));
    }
    for (Future<Integer> f : writes) {
      assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(200);
    }
    JsonObject state = a.api().get(path("merged"), token).bodyAsJsonObject();
    assertThat(state.getJsonObject("state").size()).as("every key written by someone survives").isEqualTo(100);
    assertThat(state.getLong("version")).isEqualTo(101);
  }
}
