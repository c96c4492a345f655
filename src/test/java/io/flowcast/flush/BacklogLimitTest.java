package io.flowcast.flush;

import io.flowcast.redis.RedisKeys;
import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TcpProxy;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flush.backlog_max bounds the write buffer: with PostgreSQL cut off (a TCP proxy in front of it is cut)
 * nothing drains, so once it holds that many changes the next mutation is refused with a 503 instead of
 * being dropped, and everything acknowledged before reaches PostgreSQL once it is back. (One write-buffer
 * shard, so the bound is exact: with N shards each holds a 1/N share.)
 */
class BacklogLimitTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(BacklogLimitTest.class);
  private static final int BACKLOG_MAX = 50;
  private static final String PATH = "/api/v1/workflows/bounded";

  @Test
  void aFullWriteBufferRefusesTheNextChangeWith503AndLosesNothingAcknowledged() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Databases db = new Databases(vertx, KEY_PREFIX);
         TcpProxy proxy = TcpProxy.inFrontOf(vertx, TestServer.pgUrl())) {
      db.flushRedis();
      JsonObject config = TestServer.onRedisWithPg(KEY_PREFIX).put("pg.url", proxy.url(TestServer.pgUrl()))
          .put("pg.timeout_ms", 2000).put("flush.backlog_max", BACKLOG_MAX)
          .put("redis.shards", 1);
      try (TestServer server = TestServer.start(config)) {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String token = server.token("bounded-writer", tenant, TestServer.RW);
        server.api().create(token, new JsonObject().put("id", "bounded"));
        Eventually.await("the creation flushed and the buffer empty", Duration.ofSeconds(20),
            () -> List.of(db.flushedSeqs(tenant, "bounded").size(), (int) outbox(db)),
            s -> s.equals(List.of(1, 0)));

        proxy.cut();
        int acknowledged = 0;
        HttpResponse<Buffer> refused = null;
        for (int i = 0; i < BACKLOG_MAX * 3 && refused == null; i++) {
          HttpResponse<Buffer> r = server.api().patch(PATH, token,
              new JsonObject().put("state", new JsonObject().put("step", i)), null);
          if (r.statusCode() == 200) {
            acknowledged++;
          } else {
            refused = r;
          }
        }
        assertThat(refused).as("a change past the buffer's capacity is refused").isNotNull();
        assertProblem503(refused);
        assertThat(acknowledged).as("changes acknowledged while nothing drained").isEqualTo(BACKLOG_MAX);
        assertThat(outbox(db)).isEqualTo(BACKLOG_MAX);
        assertProblem503(server.api().post(PATH + "/events", token, new JsonObject().put("type", "refused")));
        assertProblem503(server.api().delete(PATH, token));

        long expectedVersion = acknowledged + 1;
        JsonObject current = server.api().get(PATH, token).bodyAsJsonObject();
        assertThat(current.getLong("version")).as("refused changes changed nothing").isEqualTo(expectedVersion);
        assertThat(current.getJsonObject("state")).isEqualTo(new JsonObject().put("step", acknowledged - 1));

        proxy.restore();
        List<Long> seqs = Eventually.await("every acknowledged change flushed", Duration.ofSeconds(30),
            () -> db.flushedSeqs(tenant, "bounded"), s -> s.size() >= expectedVersion);
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, expectedVersion).boxed().toList());
        Row row = db.sql("SELECT version, state::text AS state FROM workflows WHERE tenant = $1 AND id = $2",
            tenant, "bounded").get(0);
        assertThat(row.getLong("version")).isEqualTo(expectedVersion);
        assertThat(new JsonObject(row.getString("state"))).isEqualTo(new JsonObject().put("step", acknowledged - 1));

        Eventually.await("the buffer drained", Duration.ofSeconds(10), () -> outbox(db), n -> n == 0);
        HttpResponse<Buffer> again = server.api().patch(PATH, token,
            new JsonObject().put("state", new JsonObject().put("step", "again")), null);
        assertThat(again.statusCode()).as("accepting again once drained").isEqualTo(200);
        assertThat(again.bodyAsJsonObject().getLong("version")).isEqualTo(expectedVersion + 1);
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aBufferFullInBytesRefusesTheNextChangeAndItsCountEmptiesWithTheBuffer() throws Exception {
    Vertx vertx = Vertx.vertx();
    String prefix = KEY_PREFIX + "bytes:";
    try (Databases db = new Databases(vertx, prefix);
         TcpProxy proxy = TcpProxy.inFrontOf(vertx, TestServer.pgUrl())) {
      db.flushRedis();
      JsonObject config = TestServer.onRedisWithPg(prefix).put("pg.url", proxy.url(TestServer.pgUrl()))
          .put("pg.timeout_ms", 2000).put("flush.backlog_max_bytes", 64 * 1024)
          .put("redis.shards", 1);
      try (TestServer server = TestServer.start(config)) {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String token = server.token("bytes-writer", tenant, TestServer.RW);
        server.api().create(token, new JsonObject().put("id", "bounded"));
        Eventually.await("the creation flushed and the buffer empty", Duration.ofSeconds(20),
            () -> List.of(db.flushedSeqs(tenant, "bounded").size(), (int) outbox(db)),
            s -> s.equals(List.of(1, 0)));

        proxy.cut();
        String blob = "x".repeat(10_000);
        int acknowledged = 0;
        HttpResponse<Buffer> refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
          // each change buffers its patch and the state after it: about 20 KB
          HttpResponse<Buffer> r = server.api().patch(PATH, token,
              new JsonObject().put("state", new JsonObject().put("step", i).put("blob", blob + i)), null);
          if (r.statusCode() == 200) {
            acknowledged++;
          } else {
            refused = r;
          }
        }
        assertThat(refused).as("a change past the buffer's bytes is refused").isNotNull();
        assertProblem503(refused);
        assertThat(acknowledged).isBetween(3, 4);
        assertThat(Long.parseLong(db.redis(Request.cmd(Command.GET).arg(db.keys().outboxBytes(0))).toString()))
            .isGreaterThanOrEqualTo(64 * 1024);

        proxy.restore();
        int changes = 1 + acknowledged;
        assertThat(Eventually.await("every acknowledged change flushed", Duration.ofSeconds(30),
            () -> db.flushedSeqs(tenant, "bounded"), seqs -> seqs.size() >= changes))
            .containsExactlyElementsOf(LongStream.rangeClosed(1, changes).boxed().toList());
        Eventually.await("the buffer and its byte count drained", Duration.ofSeconds(10),
            () -> outbox(db) == 0 && db.redis(Request.cmd(Command.GET).arg(db.keys().outboxBytes(0))) == null,
            drained -> drained);
        assertThat(server.api().patch(PATH, token, new JsonObject().put("state", new JsonObject().put("blob", blob)),
            null).statusCode()).as("accepting again once drained").isEqualTo(200);
      }
    } finally {
      vertx.close().await();
    }
  }

  private static long outbox(Databases db) {
    return db.redis(Request.cmd(Command.XLEN).arg(db.keys().outbox(0))).toLong();
  }

  private static void assertProblem503(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.getHeader("Retry-After")).isNotBlank();
    assertThat(response.bodyAsJsonObject().getInteger("status")).isEqualTo(503);
  }
}
