package io.flowcast.http;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fork with PostgreSQL (docs/API.md, "Fork"): a version whose events Redis trimmed is forked from the
 * history PostgreSQL keeps, and the new workflow reaches PostgreSQL with its parent, in its metadata and in
 * its created event; presence events are durable rows like any other.
 */
class ForkPersistenceTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(ForkPersistenceTest.class);
  private static final int RETENTION = 20;
  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(KEY_PREFIX);
  @RegisterExtension
  @Order(2)
  static final StartedServer server = StartedServer.with(TestServer.onRedisWithPg(KEY_PREFIX)
      .put("events.retention_max", RETENTION));

  @Test
  void aVersionRedisTrimmedIsForkedFromPostgresAndTheForkIsDurableWithItsParent() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("alice", tenant, TestServer.RW);
    String path = "/api/v1/workflows/src";
    server.api().create(token, new JsonObject().put("id", "src").put("state", new JsonObject().put("n", 1)));
    server.api().patch(path, token, new JsonObject().put("state", new JsonObject().put("n", 2)), null);
    for (int i = 0; i < 250; i++) {
      assertThat(server.api().post(path + "/events", token, new JsonObject().put("type", "tick")).statusCode())
          .isEqualTo(201);
    }
    db.awaitFlushed(tenant, "src", 252);

    HttpResponse<Buffer> forked = server.api().post(path + "/fork", token, new JsonObject().put("version", 1)
        .put("id", "branch"));
    assertThat(forked.statusCode()).as(forked.bodyAsString()).isEqualTo(201);
    assertThat(forked.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("n", 1));

    assertThat(server.api().send(io.vertx.core.http.HttpMethod.PUT, "/api/v1/workflows/branch/presence", token,
        null, null).statusCode()).isEqualTo(200);
    db.awaitFlushed(tenant, "branch", 2);
    JsonObject parent = new JsonObject().put("id", "src").put("version", 1);
    List<Row> row = db.sql("SELECT metadata::text AS m FROM workflows WHERE tenant = $1 AND id = $2", tenant,
        "branch");
    assertThat(new JsonObject(row.get(0).getString("m")).getJsonObject("forked_from")).isEqualTo(parent);
    List<Row> events = db.sql("SELECT type, body FROM workflow_events WHERE tenant = $1 AND workflow_id = $2 "
        + "ORDER BY seq", tenant, "branch");
    assertThat(events.stream().map(r -> r.getString("type")).toList())
        .containsExactly("workflow.created", "presence.joined");
    assertThat(new JsonObject(events.get(0).getString("body")).getJsonObject("data").getJsonObject("forked_from"))
        .isEqualTo(parent);
  }
}
