package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.FlowcastProcess;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance is SIGKILLed under a client's stream while writes go on elsewhere: the client resumes on
 * another instance with its last id and sees every acknowledged event once, in order, with no gap.
 */
class KilledInstanceStreamsTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(KilledInstanceStreamsTest.class);
  private static final int EVENTS = 300;

  @Test
  void aStreamOfAKilledInstanceResumesOnAnotherWithNoGapAndNoDuplicate() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Databases db = new Databases(vertx, KEY_PREFIX)) {
      db.flushRedis();
      JsonObject config = TestServer.onRedisWithPg(KEY_PREFIX);
      try (FlowcastProcess doomed = FlowcastProcess.start(vertx, config);
           TestServer survivor = TestServer.start(config)) {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String token = survivor.token("reader", tenant, TestServer.RW);
        String path = "/api/v1/workflows/watched";
        survivor.api().create(token, new JsonObject().put("id", "watched"));
        List<String> acknowledged = new ArrayList<>();
        Thread writer = new Thread(() -> {
          for (int i = 0; i < EVENTS; i++) {
            var r = survivor.api().post(path + "/events", token, new JsonObject().put("type", "tick").put("data", i));
            if (r.statusCode() == 201) {
              synchronized (acknowledged) {
                acknowledged.add(r.bodyAsJsonObject().getString("id"));
              }
            }
          }
        });

        List<SseEvent> seen = new ArrayList<>();
        try (SseClient first = SseClient.open(vertx, doomed.port(), path + "/stream", token, null)) {
          first.next("snapshot", 10);
          writer.start();
          while (seen.size() < 50) {
            seen.add(first.next(10));
          }
          doomed.kill();
          assertThat(first.awaitEnd(10)).as("the killed instance's stream ends").isTrue();
          SseEvent more;
          while ((more = first.poll(0)) != null) {
            if (more.id() != null) {
              seen.add(more);
            }
          }
        }
        String lastId = seen.get(seen.size() - 1).id();
        writer.join(60_000);
        assertThat(acknowledged).hasSize(EVENTS);
        try (SseClient resumed = survivor.stream(path + "/stream", token, lastId)) {
          while (!seen.get(seen.size() - 1).id().equals(acknowledged.get(EVENTS - 1))) {
            seen.add(resumed.next(10));
          }
        }

        Set<String> ids = new HashSet<>();
        long expected = seen.get(0).seq();
        for (SseEvent event : seen) {
          assertThat(ids.add(event.id())).as("no duplicate: %s", event.id()).isTrue();
          assertThat(event.seq()).as("no gap").isEqualTo(expected++);
        }
        assertThat(ids).containsAll(acknowledged);
      }
    } finally {
      vertx.close().await();
    }
  }
}
