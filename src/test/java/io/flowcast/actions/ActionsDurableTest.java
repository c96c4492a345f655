package io.flowcast.actions;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Action events reach PostgreSQL through the write buffer like every other event, exactly as clients saw them. */
class ActionsDurableTest {
  /** A database of its own: the write buffer is one stream per database (see TestServer.onRedisWithPg). */
  private static final String KEY_PREFIX = TestServer.keyPrefix(ActionsDurableTest.class);
  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(KEY_PREFIX);
  @RegisterExtension
  @Order(2)
  static final StartedServer server = StartedServer.with(TestServer.onRedisWithPg(KEY_PREFIX));

  @Test
  void everyActionEventIsFlushedToPostgresqlAsClientsSawIt() throws InterruptedException {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("agent", tenant, TestServer.RW);
    String wf = "/api/v1/workflows/durable";
    server.api().create(token, new JsonObject().put("id", "durable"));
    JsonObject payload = new JsonObject().put("big", 9007199254740993L).put("text", "caf\u00e9");
    String id = server.api().post(wf + "/actions", token, new JsonObject().put("type", "job").put("payload", payload))
        .bodyAsJsonObject().getString("id");
    server.api().post(wf + "/actions/claim", token, new JsonObject().put("worker", "w1"));
    server.api().post(wf + "/actions/" + id + "/fail", token, new JsonObject().put("error", "busy").put("retry", true));
    server.api().post(wf + "/actions/claim", token, new JsonObject().put("worker", "w2"));
    server.api().post(wf + "/actions/" + id + "/complete", token, new JsonObject().put("result", payload));

    db.awaitFlushed(tenant, "durable", 6);

    List<Row> rows = db.sql("SELECT type, version, body FROM workflow_events WHERE tenant = $1 AND workflow_id = $2 "
        + "ORDER BY seq", tenant, "durable");
    assertThat(rows).extracting(r -> r.getString("type")).containsExactly("workflow.created", "action.queued",
        "action.claimed", "action.failed", "action.claimed", "action.completed");
    assertThat(rows).extracting(r -> r.getLong("version")).containsOnly(1L);
    JsonArray history = server.api().get(wf + "/events", token).bodyAsJsonObject().getJsonArray("events");
    for (int i = 0; i < rows.size(); i++) {
      assertThat(new JsonObject(rows.get(i).getString("body"))).isEqualTo(history.getJsonObject(i));
    }
    assertThat(rows.get(5).getString("body")).contains("9007199254740993");
  }
}
