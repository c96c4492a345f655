package io.flowcast.review;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What of review and snapshots reaches PostgreSQL, and rollback to a version PostgreSQL alone still has. */
class ReviewPersistenceTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(ReviewPersistenceTest.class);
  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(KEY_PREFIX);
  @RegisterExtension
  @Order(2)
  static final StartedServer server = StartedServer.with(TestServer.onRedisWithPg(KEY_PREFIX));

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void putDraft(String token, String path, String section, String text) {
    var response = server.api().send(HttpMethod.PUT, path + "/drafts/" + section, token,
        Buffer.buffer(new JsonObject().put("raw_draft", text).put("diff_summary", "edit").encode()), "application/json");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
  }

  @Test
  void discardedDraftLeavesNothingInPostgresAndACommitIsRecorded() throws Exception {
    String tenant = tenant();
    String token = server.token("alice", tenant, TestServer.RW);
    String path = "/api/v1/workflows/doc";
    server.api().create(token, new JsonObject().put("id", "doc"));
    putDraft(token, path, "secret", "confidential-draft-text-1");
    putDraft(token, path, "secret", "confidential-draft-text-2");
    assertThat(server.api().delete(path + "/drafts/secret", token).statusCode()).isEqualTo(204);
    putDraft(token, path, "intro", "the committed intro");
    assertThat(server.api().post(path + "/drafts/intro/commit", token, null).statusCode()).isEqualTo(200);
    db.awaitFlushed(tenant, "doc", 6);

    assertThat(db.sql("SELECT count(*) FROM workflow_events WHERE tenant = $1 AND body LIKE '%confidential%'", tenant)
        .get(0).getLong(0)).as("no draft text in the event record").isZero();
    assertThat(db.sql("SELECT count(*) FROM workflows WHERE tenant = $1 AND state::text LIKE '%confidential%'",
        tenant).get(0).getLong(0)).isZero();
    assertThat(db.sql("SELECT count(*) FROM committed_sections WHERE tenant = $1 AND section_id = 'secret'", tenant)
        .get(0).getLong(0)).isZero();
    List<Row> sections = db.sql("SELECT section_id, version, content #>> '{}' AS text, author FROM committed_sections "
        + "WHERE tenant = $1", tenant);
    assertThat(sections).hasSize(1);
    assertThat(sections.get(0).getString("section_id")).isEqualTo("intro");
    assertThat(sections.get(0).getLong("version")).isEqualTo(2);
    assertThat(sections.get(0).getString("text")).isEqualTo("the committed intro");
    assertThat(sections.get(0).getString("author")).isEqualTo("alice");
    assertThat(db.sql("SELECT state #>> '{sections,intro}' FROM workflows WHERE tenant = $1", tenant).get(0)
        .getString(0)).isEqualTo("the committed intro");
    // the live view still shows reviewers what happened, text included, while it is in Redis
    var live = server.api().get(path + "/events", token).bodyAsJsonObject().getJsonArray("events");
    assertThat(live.getJsonObject(1).getJsonObject("data").getString("raw_draft"))
        .isEqualTo("confidential-draft-text-1");
  }

  @Test
  void snapshotsAreRecordedWithTheirState() throws Exception {
    String tenant = tenant();
    String token = server.token("alice", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "w").put("state", new JsonObject().put("n", 1)));
    assertThat(server.api().post("/api/v1/workflows/w/snapshots", token, new JsonObject().put("label", "first"))
        .statusCode()).isEqualTo(201);
    db.awaitFlushed(tenant, "w", 2);
    List<Row> rows = db.sql("SELECT label, version, state::text FROM workflow_snapshots WHERE tenant = $1", tenant);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString("label")).isEqualTo("first");
    assertThat(rows.get(0).getLong("version")).isEqualTo(1);
    assertThat(new JsonObject(rows.get(0).getString("state"))).isEqualTo(new JsonObject().put("n", 1));
  }

  @Test
  void rollbackToAVersionOnlyPostgresStillHas() throws Exception {
    String tenant = tenant();
    String token = server.token("alice", tenant, TestServer.RW);
    String path = "/api/v1/workflows/old";
    server.api().create(token, new JsonObject().put("id", "old").put("ttl_seconds", 1)
        .put("state", new JsonObject().put("step", 1)));
    assertThat(server.api().post(path + "/snapshots", token, new JsonObject().put("label", "start")).statusCode())
        .isEqualTo(201);
    server.api().patch(path, token, new JsonObject().put("state", new JsonObject().put("step", 2)), null);
    db.awaitFlushed(tenant, "old", 3);
    // the workflow leaves Redis with its event stream; PostgreSQL keeps everything
    io.flowcast.workflow.WorkflowKey oldKey = new io.flowcast.workflow.WorkflowKey(tenant, "old");
    io.flowcast.redis.RedisKeys keys = new io.flowcast.redis.RedisKeys(KEY_PREFIX);
    String stateKey = keys.state(oldKey);
    Eventually.until("the workflow expired from Redis", Duration.ofSeconds(10),
        () -> db.redis(Request.cmd(Command.EXISTS).arg(stateKey)).toInteger() == 0);
    db.awaitFlushed(tenant, "old", 4);
    var patched = server.api().patch(path, token, new JsonObject().put("ttl_seconds", 1), null);
    assertThat(patched.statusCode()).as("ttl is not patchable: a 400 that still reloads the workflow")
        .isEqualTo(400);
    server.api().patch(path, token, new JsonObject().put("state", new JsonObject().put("step", 3)), null);
    var oldest = db.redis(Request.cmd(Command.XRANGE).arg(keys.events(oldKey))
        .arg("-").arg("+").arg("COUNT").arg(1));
    assertThat(oldest.get(0).get(0).toString()).as("Redis no longer has the first events").doesNotEndWith("-1");

    var back = server.api().post(path + "/rollback", token, new JsonObject().put("version", 1));
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(200);
    assertThat(back.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("step", 1));
    assertThat(back.bodyAsJsonObject().getLong("version")).isEqualTo(4);
    var again = server.api().post(path + "/rollback", token, new JsonObject().put("version", 3));
    assertThat(again.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("step", 3));

    // its snapshots left Redis with it; PostgreSQL still lists them and rolls back to them
    var snapshots = server.api().get(path + "/snapshots", token).bodyAsJsonObject().getJsonArray("snapshots");
    assertThat(snapshots).hasSize(1);
    assertThat(snapshots.getJsonObject(0).getString("label")).isEqualTo("start");
    assertThat(snapshots.getJsonObject(0).getLong("version")).isEqualTo(1);
    var byLabel = server.api().post(path + "/rollback", token, new JsonObject().put("label", "start"));
    assertThat(byLabel.statusCode()).as(byLabel.bodyAsString()).isEqualTo(200);
    assertThat(byLabel.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("step", 1));
    assertThat(server.api().post(path + "/rollback", token, new JsonObject().put("label", "never")).statusCode())
        .isEqualTo(404);
  }
}
