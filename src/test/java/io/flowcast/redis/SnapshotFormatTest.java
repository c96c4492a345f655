package io.flowcast.redis;

import io.flowcast.testsupport.TestServer;
import io.flowcast.workflow.NewWorkflow;
import io.flowcast.workflow.StoredFields;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workflow's fields have one writer in each language, {@link Workflow#toSnapshotJson} (with
 * {@link Workflow#toFields}, the state hash's form of it) and {@code workflow_json} with the field list
 * {@code WORKFLOW} in {@code _lib.lua}, and one reader, {@link Workflow#read}: they agree field for field,
 * so a field added to one of them and not the others fails here.
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

  /** A workflow with a value in every field that is no field's default. */
  private static Workflow workflow() {
    JsonObject state = new JsonObject().put("plan", new JsonObject().put("steps", new JsonArray().add("a").add(2)))
        .put("text", "é \"quoted\" \\ line\nbreak").put("n", 1.5);
    JsonObject metadata = new JsonObject().put("owner", "team-x");
    Instant created = Instant.parse("2026-12-03T08:00:00.120Z");
    Instant updated = Instant.parse("2026-12-03T09:30:00Z");
    return Workflow.created(new WorkflowKey("acme", "wf-1"), new NewWorkflow("pending", new JsonObject(),
            new JsonObject(), 600), created, 1764748800000000L)
        .asOf("running", state, metadata, 7, updated).withEvent("1764748800000000-9", 9);
  }

  @Test
  void luaAndJavaWriteTheSameSnapshot() throws IOException {
    Workflow w = workflow();
    JsonObject fromLua = new JsonObject(eval("return workflow_json(workflow_of(args('workflow...').workflow))",
        w.toFields()).toString());

    assertThat(fromLua).isEqualTo(w.toSnapshotJson());
    assertThat(fromLua.fieldNames()).containsExactlyElementsOf(w.toSnapshotJson().fieldNames());
  }

  @Test
  void luaDeclaresTheFieldsJavaWritesOfTheSameKinds() throws IOException {
    List<String> java = new ArrayList<>();
    for (Map.Entry<String, Object> field : workflow().toSnapshotJson()) {
      java.add(field.getKey() + ":" + (field.getValue() instanceof String ? "text" : "json"));
    }
    // 'plain' and 'text' are both texts (a plain one needs no escaping)
    Response declared = eval("local out = {} for _, fields in ipairs({WORKFLOW, WORKFLOW_ADDED}) do "
        + "for name, kind in pairs(fields) do out[#out + 1] = name .. ':' .. (kind == 'json' and 'json' or 'text') end "
        + "end return out", List.of());
    List<String> lua = new ArrayList<>();
    declared.forEach(r -> lua.add(r.toString()));

    assertThat(lua).containsExactlyInAnyOrderElementsOf(java);
  }

  @Test
  void theStateHashKeepsAndGivesBackEveryField() throws IOException {
    Workflow w = workflow();
    // written as create, patch and restore write it; read back as the read script and a listing read it
    Response written = eval("local list = args('workflow...').workflow workflow_of(list) "
        + "redis.call('HSET', STATE, unpack(workflow_fields(list, 'generation', 1764748800000000, "
        + "'last_id', '1764748800000000-9', 'last_seq', 9))) "
        + "local out = {snapshot(), redis.call('HGETALL', STATE)} redis.call('DEL', STATE) return out", w.toFields());
    Map<String, String> hash = RedisReplies.fields(written.get(1));

    assertThat(new JsonObject(written.get(0).toString())).isEqualTo(w.toSnapshotJson());
    assertThat(RedisWorkflowStore.workflow(w.key(), written.get(1), Instant.now(), w.expiresAt())).isEqualTo(w);
    assertThat(Workflow.read(w.key(), StoredFields.ofTexts(hash), w.epoch(), w.lastEventId(), w.lastSeq(),
        Instant.now(), w.expiresAt())).isEqualTo(w);
  }

  @Test
  void aFieldAddedLaterIsWrittenWhenTheHashHasItAndLeftOutWhenNot() throws IOException {
    Workflow w = workflow();
    String note = "a \"quoted\" \\ text/é\nwith a line break";
    List<String> fields = new ArrayList<>(w.toFields());
    fields.addAll(List.of("note", note, "labels", "{\"team\":\"x\"}"));
    // as _lib.lua would declare them: WORKFLOW_ADDED = {note = 'text', labels = 'json'}
    String added = "WORKFLOW_ADDED.note, WORKFLOW_ADDED.labels = 'text', 'json' ";
    JsonObject with = new JsonObject(eval(added + "return workflow_json(workflow_of(args('workflow...').workflow))",
        fields).toString());
    JsonObject without = new JsonObject(eval(added + "return workflow_json(workflow_of(args('workflow...').workflow))",
        w.toFields()).toString());

    assertThat(with).isEqualTo(w.toSnapshotJson().put("note", note)
        .put("labels", new JsonObject().put("team", "x")));
    assertThat(without).isEqualTo(w.toSnapshotJson());
  }

  @Test
  void theReaderReadsEveryFieldTheWriterWrites() {
    Workflow w = workflow();
    JsonObject changed = new JsonObject();
    for (Map.Entry<String, Object> field : w.toSnapshotJson()) {
      changed.put(field.getKey(), otherThan(field.getValue()));
    }
    Workflow read = Workflow.read(w.key(), StoredFields.of(changed), w.epoch(), w.lastEventId(), w.lastSeq(),
        Instant.now(), w.expiresAt());

    assertThat(read.toSnapshotJson().encode()).isEqualTo(changed.encode());
  }

  /** A value of the same kind that is not {@code value}: a time a second later, a text, number or object changed. */
  private static Object otherThan(Object value) {
    if (value instanceof String text) {
      try {
        return Times.format(Instant.parse(text).plusSeconds(1));
      } catch (DateTimeParseException notATime) {
        return text + "-changed";
      }
    }
    if (value instanceof Number number) {
      return number.longValue() + 1;
    }
    if (value instanceof JsonObject object) {
      return object.copy().put("changed", true);
    }
    if (value instanceof Boolean flag) {
      return !flag;
    }
    throw new IllegalArgumentException("a field of a kind this test does not know: " + value);
  }

  /** Runs {@code code} after the workflow scripts' prelude, with {@code args} as its own arguments. */
  private static Response eval(String code, List<String> args) throws IOException {
    // the workflow script's prelude needs its keys; the scripts here write none of them, or delete what they write
    Request eval = Request.cmd(Command.EVAL).arg(lib() + "\n" + RedisScripts.BEGIN + code).arg(10);
    for (int i = 1; i <= 10; i++) {
      eval.arg(TestServer.RUN_PREFIX + "snapshot-format:{acme:wf-1}:" + i);
    }
    // the shared arguments: no Idempotency-Key claim (ARGV[8] empty)
    eval.arg("10").arg("channel").arg("60").arg("").arg("0").arg("60").arg("0").arg("");
    args.forEach(eval::arg);
    return redis.send(eval).await();
  }

  private static String lib() throws IOException {
    try (InputStream in = SnapshotFormatTest.class.getClassLoader().getResourceAsStream("lua/_lib.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
