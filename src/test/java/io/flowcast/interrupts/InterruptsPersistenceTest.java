package io.flowcast.interrupts;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What of interrupts reaches PostgreSQL: their events, and the status they move the workflow to (so a listing
 * served from PostgreSQL finds the waiting workflows), write-behind and write-through alike.
 */
class InterruptsPersistenceTest {
  private static final String BEHIND = TestServer.keyPrefix(InterruptsPersistenceTest.class);
  private static final String THROUGH = BEHIND + "through:";
  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(BEHIND);
  @RegisterExtension
  @Order(2)
  static final Databases throughDb = new Databases(THROUGH);
  @RegisterExtension
  @Order(3)
  static final StartedServer writeBehind = StartedServer.with(TestServer.onRedisWithPg(BEHIND));
  @RegisterExtension
  @Order(4)
  static final StartedServer writeThrough = StartedServer.with(TestServer.onRedisWithPg(THROUGH)
      .put("persistence.mode", "write-through"));

  @Test
  void theWaitingStatusAndTheAnswerAreRecordedWriteBehind() throws Exception {
    recorded(writeBehind, db);
  }

  @Test
  void theWaitingStatusAndTheAnswerAreRecordedWriteThrough() throws Exception {
    recorded(writeThrough, throughDb);
  }

  private static void recorded(StartedServer server, Databases db) throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("worker", tenant, TestServer.RW);
    String wf = "/api/v1/workflows/ticket";
    server.api().create(token, new JsonObject().put("id", "ticket").put("status", "running"));
    String id = server.api().post(wf + "/interrupts", token, new JsonObject().put("kind", "approve")
        .put("prompt", "Refund?")).bodyAsJsonObject().getString("id");
    db.awaitFlushed(tenant, "ticket", 2);
    assertThat(status(db, tenant)).isEqualTo("waiting");
    assertThat(server.api().get("/api/v1/workflows?status=waiting", token).bodyAsJsonObject().getJsonArray("items"))
        .as("the listing, served from PostgreSQL").hasSize(1);

    assertThat(server.api().post(wf + "/interrupts/" + id + "/resolve", token, new JsonObject().put("value",
        new JsonObject().put("decision", "approve"))).statusCode()).isEqualTo(200);
    db.awaitFlushed(tenant, "ticket", 3);
    assertThat(status(db, tenant)).isEqualTo("running");
    List<Row> events = db.sql("SELECT type, body FROM workflow_events WHERE tenant = $1 ORDER BY seq", tenant);
    assertThat(events).extracting(r -> r.getString(0))
        .containsExactly("workflow.created", "interrupt.raised", "interrupt.resolved");
    assertThat(new JsonObject(events.get(2).getString(1)).getJsonObject("data").getJsonObject("value")
        .getString("decision")).isEqualTo("approve");
  }

  private static String status(Databases db, String tenant) {
    return db.sql("SELECT status FROM workflows WHERE tenant = $1 AND id = 'ticket'", tenant).get(0).getString(0);
  }
}
