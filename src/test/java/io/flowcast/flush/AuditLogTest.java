package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every mutation leaves one audit_log row: who (the token's subject), in which tenant, what (the event
 * type), the version after it, and the X-Request-Id the client sent, in both persistence modes.
 */
class AuditLogTest {
  /** Shares WriteThroughTest's database (three were free for four classes); both flush it at start. */
  private static final String KEY_PREFIX = TestServer.keyPrefix(AuditLogTest.class);
  @RegisterExtension
  static final Databases db = new Databases(KEY_PREFIX);

  /** An audit row as compared: tenant, action, version, actor, request id. */
  private record Audit(String tenant, String action, long version, String actor, String requestId) {
  }

  @Test
  void writeBehindRecordsEveryMutationOnceWithActorActionVersionAndRequestId() {
    try (TestServer server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX))) {
      auditTrailOfOneLife(server);
    }
  }

  @Test
  void writeThroughRecordsEveryMutationOnceWithActorActionVersionAndRequestId() {
    try (TestServer server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX)
        .put("persistence.mode", "write-through"))) {
      auditTrailOfOneLife(server);
    }
  }

  /** Create, patch state, patch status, a no-op patch, a custom event, delete; then reads the audit log. */
  private static void auditTrailOfOneLife(TestServer server) {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String subject = "auditor-" + UUID.randomUUID().toString().substring(0, 4);
    String token = server.token(subject, tenant, TestServer.RW);
    String path = "/api/v1/workflows/audited";
    String run = UUID.randomUUID().toString().substring(0, 8);

    assertThat(send(server, token, HttpMethod.POST, "/api/v1/workflows", "req-create-" + run,
        new JsonObject().put("id", "audited")).statusCode()).isEqualTo(201);
    assertThat(send(server, token, HttpMethod.PATCH, path, "req-state-" + run,
        new JsonObject().put("state", new JsonObject().put("step", 1))).statusCode()).isEqualTo(200);
    assertThat(send(server, token, HttpMethod.PATCH, path, "req-status-" + run,
        new JsonObject().put("status", "waiting")).statusCode()).isEqualTo(200);
    // changes nothing, so there is no event and nothing to audit
    assertThat(send(server, token, HttpMethod.PATCH, path, "req-noop-" + run,
        new JsonObject().put("status", "waiting")).statusCode()).isEqualTo(200);
    assertThat(send(server, token, HttpMethod.POST, path + "/events", "req-event-" + run,
        new JsonObject().put("type", "reviewed").put("data", new JsonObject().put("ok", true))).statusCode())
        .isEqualTo(201);
    assertThat(send(server, token, HttpMethod.DELETE, path, "req-delete-" + run, null).statusCode())
        .isEqualTo(204);

    List<Audit> expected = List.of(
        new Audit(tenant, "workflow.created", 1, subject, "req-create-" + run),
        new Audit(tenant, "state.updated", 2, subject, "req-state-" + run),
        new Audit(tenant, "status.changed", 3, subject, "req-status-" + run),
        new Audit(tenant, "reviewed", 3, subject, "req-event-" + run),
        new Audit(tenant, "workflow.deleted", 3, subject, "req-delete-" + run));
    Eventually.await("five audit rows", Duration.ofSeconds(20), () -> audit(tenant).size(), n -> n >= expected.size());
    assertThat(audit(tenant)).containsExactlyElementsOf(expected);
    assertThat(db.sql("SELECT seq FROM audit_log WHERE tenant = $1 ORDER BY seq", tenant).stream()
        .map(r -> r.getLong("seq")).toList()).as("one row per event, by seq").containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  private static List<Audit> audit(String tenant) {
    List<Row> rows = db.sql("SELECT tenant, action, version, actor, request_id FROM audit_log "
        + "WHERE tenant = $1 AND workflow_id = $2 ORDER BY seq", tenant, "audited");
    return rows.stream().map(r -> new Audit(r.getString("tenant"), r.getString("action"), r.getLong("version"),
        r.getString("actor"), r.getString("request_id"))).toList();
  }

  private static HttpResponse<Buffer> send(TestServer server, String token, HttpMethod method, String path,
      String requestId, JsonObject body) {
    String type = method == HttpMethod.PATCH ? "application/merge-patch+json" : "application/json";
    return server.api().send(method, path, token, body == null ? null : body.toBuffer(),
        body == null ? null : type, MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", requestId));
  }
}
