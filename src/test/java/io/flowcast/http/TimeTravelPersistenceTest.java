package io.flowcast.http;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time travel when Redis no longer holds a workflow's history: the versions are rebuilt from PostgreSQL's
 * record of its events, whether Redis trimmed them (retention) or lost the workflow altogether (then the
 * versions its reload skipped are 410).
 */
class TimeTravelPersistenceTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(TimeTravelPersistenceTest.class);
  private static final int RETENTION = 20;
  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(KEY_PREFIX);
  @RegisterExtension
  @Order(2)
  static final StartedServer server = StartedServer.with(TestServer.onRedisWithPg(KEY_PREFIX)
      .put("events.retention_max", RETENTION));

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject withoutExpiry(JsonObject workflow) {
    JsonObject copy = workflow.copy();
    copy.remove("expires_at");
    return copy;
  }

  /** Three versions of {@code id}, as their changes answered. */
  private static List<JsonObject> threeVersions(String token, String id) {
    String path = "/api/v1/workflows/" + id;
    List<JsonObject> versions = new ArrayList<>();
    versions.add(server.api().create(token, new JsonObject().put("id", id).put("state", new JsonObject().put("n", 1))));
    versions.add(server.api().patch(path, token, new JsonObject().put("status", "running")
        .put("metadata", new JsonObject().put("by", "ops")), null).bodyAsJsonObject());
    versions.add(server.api().patch(path, token, new JsonObject().put("state", new JsonObject().put("n", 2)), null)
        .bodyAsJsonObject());
    return versions;
  }

  private static void assertVersions(String token, String path, List<JsonObject> versions) {
    for (JsonObject expected : versions) {
      HttpResponse<Buffer> response = server.api().get(path + "?version=" + expected.getLong("version"), token);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(withoutExpiry(response.bodyAsJsonObject())).isEqualTo(withoutExpiry(expected));
    }
  }

  @Test
  void versionsRedisTrimmedAreRebuiltFromPostgres() throws Exception {
    String tenant = tenant();
    String token = server.token("alice", tenant, TestServer.RW);
    String path = "/api/v1/workflows/trimmed";
    List<JsonObject> versions = threeVersions(token, "trimmed");
    for (int i = 0; i < 250; i++) {
      assertThat(server.api().post(path + "/events", token, new JsonObject().put("type", "tick")).statusCode())
          .isEqualTo(201);
    }
    db.awaitFlushed(tenant, "trimmed", 253);
    var oldest = db.redis(Request.cmd(Command.XRANGE).arg(db.keys().events(
        new io.flowcast.workflow.WorkflowKey(tenant, "trimmed"))).arg("-").arg("+").arg("COUNT").arg(1));
    assertThat(oldest.get(0).get(0).toString()).as("Redis no longer has the first events").doesNotEndWith("-1");

    assertVersions(token, path, versions);
    assertThat(server.api().get(path + "/diff?from=1&to=3", token).bodyAsJsonObject()).isEqualTo(new JsonObject()
        .put("status", "running").put("state", new JsonObject().put("n", 2))
        .put("metadata", new JsonObject().put("by", "ops")));
  }

  @Test
  void afterRedisLostTheWorkflowItsVersionsComeFromPostgresAndTheSkippedOnesAreGone() throws Exception {
    String tenant = tenant();
    String token = server.token("alice", tenant, TestServer.RW);
    String path = "/api/v1/workflows/lost";
    List<JsonObject> versions = threeVersions(token, "lost");
    db.awaitFlushed(tenant, "lost", 3);
    io.flowcast.workflow.WorkflowKey key = new io.flowcast.workflow.WorkflowKey(tenant, "lost");
    Request del = Request.cmd(Command.DEL).arg(db.keys().state(key)).arg(db.keys().events(key))
        .arg(db.keys().mark(key));
    db.keys().sideKeys(key).forEach(del::arg);
    db.redis(del);

    // read back from PostgreSQL in a new epoch: its version jumps past whatever Redis may have lost
    JsonObject reloaded = server.api().get(path, token).bodyAsJsonObject();
    long current = reloaded.getLong("version");
    assertThat(current).isGreaterThan(3);
    assertVersions(token, path, versions);

    HttpResponse<Buffer> skipped = server.api().get(path + "?version=4", token);
    assertThat(skipped.statusCode()).as(skipped.bodyAsString()).isEqualTo(410);
    assertThat(skipped.bodyAsJsonObject().getString("type")).isEqualTo("urn:flowcast:problem:gone");
    assertThat(server.api().get(path + "?version=" + current, token).bodyAsJsonObject().getJsonObject("state"))
        .isEqualTo(new JsonObject().put("n", 2));

    JsonObject next = server.api().patch(path, token, new JsonObject().put("status", "completed"), null)
        .bodyAsJsonObject();
    assertThat(next.getLong("version")).isEqualTo(current + 1);
    assertThat(server.api().get(path + "/diff?from=1&to=" + (current + 1), token).bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("status", "completed").put("state", new JsonObject().put("n", 2))
            .put("metadata", new JsonObject().put("by", "ops")));
    assertThat(server.api().get(path + "/diff?from=" + (current - 1) + "&to=" + current, token).statusCode())
        .isEqualTo(410);
  }
}
