package io.flowcast.redis;

import io.flowcast.testsupport.TestServer;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workflow snapshot the durable record keeps has two writers, {@code workflow_json} in
 * {@code _lib.lua} (the write buffer) and {@link Workflow#toSnapshotJson} (write-through): for the same
 * workflow they write the same JSON, field for field.
 */
class SnapshotFormatTest {
  private static Vertx vertx;
  private static Redis redis;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, TestServer.redisUrl());
  }

  @AfterAll
  static void close() {
    redis.close();
    vertx.close().await();
  }

  @Test
  void luaAndJavaWriteTheSameSnapshot() throws IOException {
    JsonObject state = new JsonObject().put("plan", new JsonObject().put("steps", new io.vertx.core.json.JsonArray()
        .add("a").add(2))).put("text", "é \"quoted\" \\ line\nbreak").put("n", 1.5);
    JsonObject metadata = new JsonObject().put("owner", "team-x");
    Instant created = Instant.parse("2026-12-03T08:00:00.120Z");
    Instant updated = Instant.parse("2026-12-03T09:30:00Z");
    Workflow w = new Workflow(new WorkflowKey("acme", "wf-1"), "running", state, metadata, 7, created, updated,
        updated.plusSeconds(600), 600, 1764748800000000L, "1764748800000000-9", 9);

    // the workflow script's prelude needs its keys; this script writes none of them
    String script = lib() + "\nreturn workflow_json(ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13], ARGV[14], ARGV[15])";
    Request eval = Request.cmd(Command.EVAL).arg(script).arg(10);
    for (int i = 1; i <= 10; i++) {
      eval.arg(TestServer.RUN_PREFIX + "snapshot-format:{acme:wf-1}:" + i);
    }
    // the shared arguments: no Idempotency-Key claim (ARGV[8] empty)
    eval.arg("10").arg("channel").arg("60").arg("").arg("0").arg("60").arg("0").arg("")
        .arg(w.status()).arg(w.state().encode()).arg(w.metadata().encode()).arg(w.version())
        .arg(io.flowcast.workflow.Times.format(w.createdAt())).arg(io.flowcast.workflow.Times.format(w.updatedAt()))
        .arg(w.ttlSeconds());
    JsonObject fromLua = new JsonObject(redis.send(eval).await().toString());

    assertThat(fromLua).isEqualTo(w.toSnapshotJson());
    assertThat(fromLua.fieldNames()).containsExactlyInAnyOrderElementsOf(w.toSnapshotJson().fieldNames());
  }

  private static String lib() throws IOException {
    try (InputStream in = SnapshotFormatTest.class.getClassLoader().getResourceAsStream("lua/_lib.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
