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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * persistence.mode=write-through: a change is acknowledged only once PostgreSQL has it, so PostgreSQL
 * going away (a TCP proxy in front of it is cut) turns mutations into prompt 503s and the instance
 * unready, until it comes back.
 */
class WriteThroughTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(WriteThroughTest.class);
  private static final long PG_TIMEOUT_MS = 2000;
  private static Vertx vertx;
  private static Databases db;
  private static TcpProxy proxy;
  private static TestServer server;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    db = new Databases(vertx, KEY_PREFIX);
    db.flushRedis();
    proxy = TcpProxy.inFrontOf(vertx, TestServer.pgUrl());
    server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX).put("pg.url", proxy.url(TestServer.pgUrl()))
        .put("persistence.mode", "write-through").put("pg.timeout_ms", PG_TIMEOUT_MS)
        // the write buffer would flush it anyway: a long interval keeps it from hiding a late write
        .put("flush.interval_ms", 600_000).put("flush.threshold", 1_000_000));
  }

  @AfterAll
  static void stop() {
    server.close();
    proxy.close();
    db.close();
    vertx.close().await();
  }

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void everyAcknowledgedChangeIsAlreadyInPostgresWhenTheAnswerArrives() {
    String tenant = tenant();
    String token = server.token("through-writer", tenant, TestServer.RW);
    String path = "/api/v1/workflows/through";

    JsonObject created = server.api().create(token, new JsonObject().put("id", "through")
        .put("state", new JsonObject().put("step", 0)));
    assertRowIs(tenant, "through", created);
    assertThat(db.flushedSeqs(tenant, "through")).containsExactly(1L);

    long seq = 1;
    for (int step = 1; step <= 5; step++) {
      HttpResponse<Buffer> patched = server.api().patch(path, token,
          new JsonObject().put("state", new JsonObject().put("step", step)), null);
      assertThat(patched.statusCode()).isEqualTo(200);
      seq++;
      assertRowIs(tenant, "through", patched.bodyAsJsonObject());
      assertThat(db.flushedSeqs(tenant, "through")).containsExactlyElementsOf(range(seq));

      HttpResponse<Buffer> published = server.api().post(path + "/events", token,
          new JsonObject().put("type", "checked").put("data", step));
      assertThat(published.statusCode()).isEqualTo(201);
      seq++;
      assertThat(published.bodyAsJsonObject().getLong("seq")).isEqualTo(seq);
      assertThat(db.flushedSeqs(tenant, "through")).containsExactlyElementsOf(range(seq));
    }

    assertThat(server.api().delete(path, token).statusCode()).isEqualTo(204);
    seq++;
    assertThat(db.flushedSeqs(tenant, "through")).containsExactlyElementsOf(range(seq));
    Row row = db.sql("SELECT deleted_at, last_seq FROM workflows WHERE tenant = $1 AND id = $2", tenant,
        "through").get(0);
    assertThat(row.getValue("deleted_at")).as("the deletion is recorded at once").isNotNull();
    assertThat(row.getLong("last_seq")).isEqualTo(seq);
  }

  @Test
  void withPostgresGoneMutationsAnswer503PromptlyAndTheInstanceIsNotReadyUntilItReturns() {
    String tenant = tenant();
    String token = server.token("through-writer", tenant, TestServer.RW);
    String path = "/api/v1/workflows/cut";
    server.api().create(token, new JsonObject().put("id", "cut"));
    assertThat(ready(server).getInteger("http_status")).isEqualTo(200);

    proxy.cut();
    try {
      long started = System.currentTimeMillis();
      HttpResponse<Buffer> refused = server.api().patch(path, token,
          new JsonObject().put("state", new JsonObject().put("during", true)), null);
      long took = System.currentTimeMillis() - started;
      assertProblem503(refused);
      assertThat(took).as("refused promptly, within the PostgreSQL timeout").isLessThan(PG_TIMEOUT_MS + 1500);

      started = System.currentTimeMillis();
      assertProblem503(server.api().post(path + "/events", token, new JsonObject().put("type", "during")));
      assertThat(System.currentTimeMillis() - started).isLessThan(PG_TIMEOUT_MS + 1500);

      JsonObject down = Eventually.await("/ready answers 503", Duration.ofSeconds(6), () -> ready(server),
          r -> r.getInteger("http_status") == 503);
      assertThat(down.getBoolean("ready")).isFalse();
      assertThat(down.getJsonObject("checks").getJsonObject("postgresql").getString("status")).isEqualTo("down");
    } finally {
      proxy.restore();
    }

    Eventually.await("/ready answers 200 again", Duration.ofSeconds(10), () -> ready(server),
        r -> r.getInteger("http_status") == 200);
    HttpResponse<Buffer> accepted = server.api().patch(path, token,
        new JsonObject().put("state", new JsonObject().put("after", true)), null);
    assertThat(accepted.statusCode()).isEqualTo(200);
    assertRowIs(tenant, "cut", accepted.bodyAsJsonObject());
    HttpResponse<Buffer> published = server.api().post(path + "/events", token, new JsonObject().put("type", "after"));
    assertThat(published.statusCode()).isEqualTo(201);
    long last = published.bodyAsJsonObject().getLong("seq");
    assertThat(db.flushedSeqs(tenant, "cut")).as("the acknowledged event is there at once").contains(last);
  }

  private static void assertProblem503(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.getHeader("Retry-After")).isNotBlank();
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(503);
    assertThat(problem.getString("type")).isNotBlank();
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
  }

  /** The workflows row holds exactly what the client was told (read right after the answer, no waiting). */
  private static void assertRowIs(String tenant, String id, JsonObject workflow) {
    List<Row> rows = db.sql("SELECT status, state::text AS state, metadata::text AS metadata, version "
        + "FROM workflows WHERE tenant = $1 AND id = $2", tenant, id);
    assertThat(rows).as("workflows row of %s", id).hasSize(1);
    Row row = rows.get(0);
    assertThat(row.getLong("version")).isEqualTo(workflow.getLong("version"));
    assertThat(row.getString("status")).isEqualTo(workflow.getString("status"));
    assertThat(new JsonObject(row.getString("state"))).isEqualTo(workflow.getJsonObject("state"));
    assertThat(new JsonObject(row.getString("metadata"))).isEqualTo(workflow.getJsonObject("metadata"));
  }

  private static JsonObject ready(TestServer server) {
    HttpResponse<Buffer> response = server.api().get("/ready", null);
    return response.bodyAsJsonObject().put("http_status", response.statusCode());
  }

  private static List<Long> range(long last) {
    return LongStream.rangeClosed(1, last).boxed().toList();
  }
}
