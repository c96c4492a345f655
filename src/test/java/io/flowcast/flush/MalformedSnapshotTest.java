package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A buffered entry whose workflow snapshot is not JSON (the flusher parses snapshots only when it writes
 * them) is set aside in {@code flowcast:outbox:dead} with its texts, and the entries behind it are
 * flushed: it never blocks the buffer.
 */
class MalformedSnapshotTest {
  /** Shares BenchDurableCheckTest's database; both flush it at start. */
  private static final String KEY_PREFIX = TestServer.keyPrefix(MalformedSnapshotTest.class);
  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(KEY_PREFIX);
  @RegisterExtension
  @Order(2)
  static final StartedServer server = StartedServer.with(TestServer.onRedisWithPg(KEY_PREFIX));

  @Test
  void anEntryWithABrokenSnapshotIsSetAsideAndTheRestIsFlushed() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = server.token("writer", tenant, TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "after"));
    db.awaitFlushed(tenant, "after", 1);

    String event = new JsonObject().put("id", "1-1").put("seq", 7).put("version", 7).put("workflow_id", "broken")
        .put("type", "state.updated").put("data", new JsonObject()).put("actor", "someone")
        .put("created_at", "2026-12-01T10:00:00.000Z").encode();
    db.redis(Request.cmd(Command.XADD).arg(db.keys().outbox(new io.flowcast.workflow.WorkflowKey(tenant, "broken")))
        .arg("*").arg("w").arg(tenant + ":broken")
        .arg("g").arg("1").arg("e").arg(event).arg("r").arg("").arg("s").arg("{\"status\":\"pending\",\"state\":"));
    assertThat(server.api().patch("/api/v1/workflows/after", token,
        new JsonObject().put("state", new JsonObject().put("step", 2)), null).statusCode()).isEqualTo(200);

    db.awaitFlushed(tenant, "after", 2);
    Response dead = Eventually.await("a dead-lettered entry", Duration.ofSeconds(20),
        () -> db.redis(Request.cmd(Command.XRANGE).arg(KEY_PREFIX + "flowcast:outbox:dead").arg("-").arg("+")),
        r -> r.size() > 0);
    assertThat(dead.size()).isEqualTo(1);
    String fields = dead.get(0).get(1).toString();
    assertThat(fields).contains("snapshot of " + tenant + ":broken seq 7 is not JSON")
        .contains("{\\\"status\\\":\\\"pending\\\",\\\"state\\\":");
    assertThat(db.flushedSeqs(tenant, "broken")).as("nothing of the broken entry is written").isEmpty();
    Eventually.await("the buffer drained", Duration.ofSeconds(20),
        () -> db.redis(Request.cmd(Command.XLEN).arg(db.keys().outbox(new io.flowcast.workflow.WorkflowKey(tenant,
            "broken")))).toLong(), n -> n == 0);
  }
}
