package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Two instances flush one write buffer: every acknowledged event lands in PostgreSQL exactly once. */
class FlushExactlyOnceTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(FlushExactlyOnceTest.class);

  @Test
  void twentyThousandAcknowledgedEventsReachPostgresExactlyOnceInSeqOrder() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Databases db = new Databases(vertx, KEY_PREFIX)) {
      db.flushRedis();
      JsonObject config = TestServer.onRedisWithPg(KEY_PREFIX).put("flush.batch_size", 500);
      try (TestServer a = TestServer.start(config); TestServer b = TestServer.start(config)) {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String token = a.token("writer", tenant, TestServer.RW);
        int workflows = 10;
        int perWorkflow = 2000;
        for (int w = 0; w < workflows; w++) {
          a.api().create(token, new JsonObject().put("id", "wf-" + w));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> runs = new ArrayList<>();
        for (int w = 0; w < workflows; w++) {
          for (int half = 0; half < 2; half++) {
            TestServer side = half == 0 ? a : b;
            String path = "/api/v1/workflows/wf-" + w + "/events";
            runs.add(pool.submit((Callable<Integer>) () -> {
              int acknowledged = 0;
              for (int i = 0; i < perWorkflow / 2; i++) {
                if (side.api().post(path, token, new JsonObject().put("type", "step").put("data", i))
                    .statusCode() == 201) {
                  acknowledged++;
                }
              }
              return acknowledged;
            }));
          }
        }
        int acknowledged = 0;
        for (Future<Integer> run : runs) {
          acknowledged += run.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(acknowledged).isEqualTo(workflows * perWorkflow);

        long expected = workflows * (perWorkflow + 1L);
        long flushed = Eventually.await(expected + " events flushed", Duration.ofSeconds(60),
            () -> db.sql("SELECT count(*) AS n FROM workflow_events WHERE tenant = $1", tenant).get(0).getLong("n"),
            n -> n >= expected);
        assertThat(flushed).isEqualTo(expected);
        for (int w = 0; w < workflows; w++) {
          List<Long> seqs = db.flushedSeqs(tenant, "wf-" + w);
          assertThat(seqs).as("wf-%d: every seq once, in order", w)
              .containsExactlyElementsOf(LongStream.rangeClosed(1, perWorkflow + 1).boxed().toList());
          var row = db.sql("SELECT last_seq, version FROM workflows WHERE tenant = $1 AND id = $2", tenant, "wf-" + w);
          assertThat(row.get(0).getLong("last_seq")).isEqualTo(perWorkflow + 1L);
        }
        long audit = db.sql("SELECT count(*) AS n FROM audit_log WHERE tenant = $1", tenant).get(0).getLong("n");
        assertThat(audit).isEqualTo(workflows * (perWorkflow + 1L));
        for (TestServer side : new TestServer[] {a, b}) {
          JsonObject flush = side.api().get("/ready", null).bodyAsJsonObject().getJsonObject("flush");
          assertThat(flush.getLong("rows")).as("both instances flushed a share").isPositive();
        }
      }
    } finally {
      vertx.close().await();
    }
  }
}
