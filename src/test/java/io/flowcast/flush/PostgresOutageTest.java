package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TcpProxy;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write-behind through a PostgreSQL outage: PostgreSQL sits behind a TCP proxy that the test cuts and
 * restores. Redis keeps acknowledging, /ready is 503 and says why (200 with the outage under degraded
 * when persistence.ready_while_pg_down is set), and once PostgreSQL is back every acknowledged event lands
 * in it exactly once.
 */
class PostgresOutageTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(PostgresOutageTest.class);
  private static final String PATH = "/api/v1/workflows/outage";

  @Test
  void writeBehindKeepsAcknowledgingDuringAnOutageAndFlushesEveryEventOnceWhenPostgresReturns() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Databases db = new Databases(vertx, KEY_PREFIX);
         TcpProxy proxy = TcpProxy.inFrontOf(vertx, TestServer.pgUrl())) {
      db.flushRedis();
      JsonObject config = TestServer.onRedisWithPg(KEY_PREFIX).put("pg.url", proxy.url(TestServer.pgUrl()))
          .put("pg.timeout_ms", 2000);
      try (TestServer server = TestServer.start(config)) {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String token = server.token("outage-writer", tenant, TestServer.RW);

        // before: PostgreSQL reachable (through the proxy), events flushed as usual
        server.api().create(token, new JsonObject().put("id", "outage").put("state", new JsonObject()
            .put("phase", "before")));
        long seq = 1;
        for (int i = 0; i < 10; i++) {
          assertThat(event(server, token, "before", i).statusCode()).isEqualTo(201);
          seq++;
        }
        assertThat(patch(server, token, new JsonObject().put("state", new JsonObject().put("phase", "steady")))
            .statusCode()).isEqualTo(200);
        seq++;
        long beforeCut = seq;
        awaitFlushed(db, tenant, beforeCut);
        assertThat(proxy.accepted()).as("PostgreSQL traffic goes through the proxy").isPositive();

        proxy.cut();
        long cutAt = System.currentTimeMillis();
        for (int i = 0; i < 20; i++) {
          HttpResponse<Buffer> written = i % 5 == 4
              ? patch(server, token, new JsonObject().put("state", new JsonObject().put("step", i)))
              : event(server, token, "during", i);
          assertThat(written.statusCode()).as("write %d during the outage is acknowledged (%s)", i,
              written.bodyAsString()).isIn(200, 201);
          seq++;
        }
        assertThat(System.currentTimeMillis() - cutAt).as("acknowledging does not wait for PostgreSQL")
            .isLessThan(10_000);

        // both the flusher (its writes fail) and the PostgreSQL probe (every 2 s) report it
        JsonObject during = Eventually.await("/ready reports the outage", Duration.ofSeconds(10),
            () -> ready(server), r -> aboutPostgres(r) >= 2 && probeSaysUnreachable(r)
                && flush(r).getLong("backlog") >= 20 && flush(r).getLong("failures") > 0);
        assertThat(during.getInteger("http_status")).as("not ready while PostgreSQL is away").isEqualTo(503);
        assertThat(during.getBoolean("ready")).isFalse();
        JsonObject check = during.getJsonObject("checks").getJsonObject("postgresql");
        assertThat(check.getString("status")).isEqualTo("down");
        assertThat(check.getString("detail")).as("says why, and that writes go on").startsWith(
            "unreachable; changes wait in the write buffer");

        long backlog = flush(during).getLong("backlog");
        long lag = flush(during).getLong("lag_ms");
        for (int i = 0; i < 10; i++) {
          assertThat(event(server, token, "during-more", i).statusCode()).isEqualTo(201);
          seq++;
        }
        JsonObject later = Eventually.await("/ready shows the backlog and the lag growing", Duration.ofSeconds(10),
            () -> ready(server), r -> flush(r).getLong("backlog") >= backlog + 10 && flush(r).getLong("lag_ms") > lag);
        assertThat(later.getInteger("http_status")).isEqualTo(503);
        assertThat(flush(later).getLong("lag_ms")).as("lag counts from the oldest waiting change")
            .isGreaterThanOrEqualTo(System.currentTimeMillis() - cutAt - 2_000);

        HttpResponse<Buffer> last = patch(server, token, new JsonObject().put("status", "waiting")
            .put("state", new JsonObject().put("phase", "after")));
        assertThat(last.statusCode()).isEqualTo(200);
        seq++;
        JsonObject latest = last.bodyAsJsonObject();
        assertThat(db.flushedSeqs(tenant, "outage")).as("nothing reached PostgreSQL while it was cut off")
            .containsExactlyElementsOf(range(beforeCut));

        proxy.restore();
        long expected = seq;
        List<Long> flushed = Eventually.await("every acknowledged event flushed", Duration.ofSeconds(30),
            () -> db.flushedSeqs(tenant, "outage"), seqs -> seqs.size() >= expected);
        assertThat(flushed).as("each acknowledged event once, in seq order").containsExactlyElementsOf(range(expected));
        assertThat(db.sql("SELECT count(*) AS n FROM audit_log WHERE tenant = $1 AND workflow_id = $2", tenant,
            "outage").get(0).getLong("n")).isEqualTo(expected);

        Row row = db.sql("SELECT status, state::text AS state, version, last_seq, deleted_at FROM workflows "
            + "WHERE tenant = $1 AND id = $2", tenant, "outage").get(0);
        assertThat(row.getLong("version")).isEqualTo(latest.getLong("version"));
        assertThat(row.getString("status")).isEqualTo("waiting");
        assertThat(new JsonObject(row.getString("state"))).isEqualTo(latest.getJsonObject("state"));
        assertThat(row.getLong("last_seq")).isEqualTo(expected);
        assertThat(row.getValue("deleted_at")).isNull();

        JsonObject recovered = Eventually.await("/ready recovers", Duration.ofSeconds(15), () -> ready(server),
            // (the test script's Redis keeps nothing on disk: that warning stays, and is not about the outage)
            r -> r.getJsonArray("degraded").stream().map(String::valueOf)
                .allMatch(d -> d.startsWith("write-behind acknowledges changes")) && flush(r).getLong("backlog") == 0);
        assertThat(recovered.getInteger("http_status")).isEqualTo(200);
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void withReadyWhilePgDownTheInstanceStaysReadyAndListsTheOutageUnderDegraded() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Databases db = new Databases(vertx, KEY_PREFIX);
         TcpProxy proxy = TcpProxy.inFrontOf(vertx, TestServer.pgUrl())) {
      db.flushRedis();
      JsonObject config = TestServer.onRedisWithPg(KEY_PREFIX).put("pg.url", proxy.url(TestServer.pgUrl()))
          .put("pg.timeout_ms", 2000).put("persistence.ready_while_pg_down", true);
      try (TestServer server = TestServer.start(config)) {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String token = server.token("outage-writer", tenant, TestServer.RW);
        server.api().create(token, new JsonObject().put("id", "outage").put("state", new JsonObject()));
        awaitFlushed(db, tenant, 1);

        proxy.cut();
        assertThat(event(server, token, "during", 1).statusCode()).isEqualTo(201);
        JsonObject during = Eventually.await("/ready reports the outage", Duration.ofSeconds(10),
            () -> ready(server), PostgresOutageTest::probeSaysUnreachable);
        assertThat(during.getInteger("http_status")).as("stays in rotation: %s", during).isEqualTo(200);
        assertThat(during.getBoolean("ready")).isTrue();
        JsonObject check = during.getJsonObject("checks").getJsonObject("postgresql");
        assertThat(check.getString("status")).isEqualTo("up");
        assertThat(check.getString("detail")).startsWith("unreachable; changes wait in the write buffer");

        proxy.restore();
        awaitFlushed(db, tenant, 2);
        Eventually.until("/ready no longer lists PostgreSQL", Duration.ofSeconds(15),
            () -> !probeSaysUnreachable(ready(server)));
      }
    } finally {
      vertx.close().await();
    }
  }

  private static HttpResponse<Buffer> event(TestServer server, String token, String type, int i) {
    return server.api().post(PATH + "/events", token, new JsonObject().put("type", type).put("data", i));
  }

  private static HttpResponse<Buffer> patch(TestServer server, String token, JsonObject patch) {
    return server.api().patch(PATH, token, patch, null);
  }

  /** The /ready report with its HTTP status added as {@code http_status}. */
  private static JsonObject ready(TestServer server) {
    HttpResponse<Buffer> response = server.api().get("/ready", null);
    return response.bodyAsJsonObject().put("http_status", response.statusCode());
  }

  /** How many {@code degraded} entries of a /ready report are about PostgreSQL. */
  private static long aboutPostgres(JsonObject ready) {
    return ready.getJsonArray("degraded").stream().map(String::valueOf).filter(d -> d.contains("PostgreSQL")).count();
  }

  /** Whether the PostgreSQL probe (every 2 s) has seen the outage, whatever it made of it. */
  private static boolean probeSaysUnreachable(JsonObject ready) {
    return ready.getJsonObject("checks").getJsonObject("postgresql").getString("detail").startsWith("unreachable");
  }

  private static JsonObject flush(JsonObject ready) {
    return ready.getJsonObject("flush", new JsonObject().put("backlog", 0L).put("failures", 0L).put("lag_ms", 0L));
  }

  private static void awaitFlushed(Databases db, String tenant, long lastSeq) {
    List<Long> seqs = Eventually.await("seqs 1.." + lastSeq + " flushed", Duration.ofSeconds(20),
        () -> db.flushedSeqs(tenant, "outage"), s -> s.size() >= lastSeq);
    assertThat(seqs).containsExactlyElementsOf(range(lastSeq));
  }

  private static List<Long> range(long last) {
    return LongStream.rangeClosed(1, last).boxed().toList();
  }
}
