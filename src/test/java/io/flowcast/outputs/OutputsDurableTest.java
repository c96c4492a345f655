package io.flowcast.outputs;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durable record of an answer through the write buffer: PostgreSQL gets one row per roll-up window and
 * one with the whole text, not one per chunk, and they are the events clients can read.
 */
class OutputsDurableTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(OutputsDurableTest.class);
  private static final long WINDOW_MS = 100;
  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(KEY_PREFIX);
  @RegisterExtension
  @Order(2)
  static final StartedServer server = StartedServer.with(TestServer.onRedisWithPg(KEY_PREFIX)
      .put("outputs.rollup_ms", WINDOW_MS));

  @Test
  void postgresqlGetsOneRowPerRollUpWindowAndOneWithTheWholeTextNotOneRowPerChunk() {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("model", tenant, TestServer.RW);
    String wf = "/api/v1/workflows/durable";
    server.api().create(token, new JsonObject().put("id", "durable"));
    StringBuilder whole = new StringBuilder();
    int chunks = 500;
    long started = System.nanoTime();
    for (int i = 0; i < chunks; i++) {
      String chunk = "w" + i + (i % 7 == 0 ? "é " : " ");
      assertThat(server.api().post(wf + "/outputs/a1/append", token, new JsonObject().put("text", chunk))
          .statusCode()).isEqualTo(200);
      whole.append(chunk);
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(server.api().post(wf + "/outputs/a1/close", token, new JsonObject()).statusCode()).isEqualTo(200);

    List<Row> rows = Eventually.await("the close flushed", Duration.ofSeconds(20),
        () -> db.sql("SELECT type, body FROM workflow_events WHERE tenant = $1 AND workflow_id = $2 ORDER BY seq",
            tenant, "durable"),
        r -> !r.isEmpty() && r.get(r.size() - 1).getString("type").equals("output.closed"));
    long appended = rows.stream().filter(r -> r.getString("type").equals("output.appended")).count();
    assertThat(rows).hasSize((int) appended + 2); // workflow.created, the roll-ups, output.closed
    assertThat(appended).as("roll-ups of %d chunks over %d ms", chunks, elapsedMs)
        .isLessThanOrEqualTo(elapsedMs / WINDOW_MS + 2).isLessThan(chunks / 5);
    JsonObject closed = new JsonObject(rows.get(rows.size() - 1).getString("body"));
    assertThat(closed.getJsonObject("data").getString("text")).isEqualTo(whole.toString());
    StringBuilder rolled = new StringBuilder();
    for (Row r : rows.subList(1, rows.size() - 1)) {
      JsonObject data = new JsonObject(r.getString("body")).getJsonObject("data");
      assertThat(data.getLong("offset")).isEqualTo(rolled.length());
      rolled.append(data.getString("text"));
    }
    assertThat(whole.toString()).startsWith(rolled.toString());
    JsonArray history = server.api().get(wf + "/events", token).bodyAsJsonObject().getJsonArray("events");
    for (int i = 0; i < rows.size(); i++) {
      assertThat(new JsonObject(rows.get(i).getString("body"))).isEqualTo(history.getJsonObject(i));
    }
  }
}
