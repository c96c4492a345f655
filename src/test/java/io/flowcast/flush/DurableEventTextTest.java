package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durable record keeps each event's JSON exactly as clients saw it on their stream (byte for byte,
 * with non-ASCII text, escapes and an integer too large for a double), its time as the event says, and
 * the workflow row as the newest event of a batch left it. The flusher stores the buffered text itself,
 * not a new encoding of it.
 */
class DurableEventTextTest {
  /** Shares AuditLogTest's and WriteThroughTest's database; each flushes it at start. */
  private static final String KEY_PREFIX = TestServer.keyPrefix(DurableEventTextTest.class);
  @RegisterExtension
  static final Databases db = new Databases(KEY_PREFIX);

  @Test
  void theBodyIsTheBufferedTextNotANewEncoding() {
    String text = "{\"id\": \"1-1\", \"seq\": 1, \"type\": \"state.updated\", \"n\": 1.50}";
    OutboxRecord record = OutboxRecord.fromEntry("1-1", Map.of("w", "t:w", "g", "1", "e", text));
    assertThat(new JsonObject(text).encode()).as("a new encoding differs").isNotEqualTo(text);
    assertThat(PgWriter.durableBody(record)).isEqualTo(text);

    String draft = "{\"id\":\"1-2\",\"seq\":2,\"type\":\"draft.updated\",\"data\":{\"section_id\":\"s\","
        + "\"revision\":3,\"text\":\"secret words\"}}";
    String kept = PgWriter.durableBody(OutboxRecord.fromEntry("1-2", Map.of("w", "t:w", "g", "1",
        "e", draft)));
    assertThat(kept).doesNotContain("secret words").contains("\"text_kept\":false");
  }

  @Test
  void storedBodyIsTheStreamedTextAndTimesAreTheEventsOwn() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    try (TestServer server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX))) {
      String token = server.token("writer", tenant, TestServer.RW);
      server.api().create(token, new JsonObject().put("id", "texts"));
      List<SseEvent> streamed = new ArrayList<>();
      try (SseClient sse = server.stream("/api/v1/workflows/texts/stream", token, null)) {
        sse.next("snapshot", 10);
        String[] values = {"café ☕ naïve", "line\u2028separator \"quoted\" \\ back\tslash", "𝄞 clef"};
        for (String value : values) {
          String patch = "{\"state\":{\"text\":" + Json.encode(value) + ",\"big\":9007199254740993}}";
          assertThat(server.api().send(HttpMethod.PATCH, "/api/v1/workflows/texts", token, Buffer.buffer(patch),
              "application/merge-patch+json").statusCode()).isEqualTo(200);
          streamed.add(sse.next("state.updated", 10));
        }
      }
      db.awaitFlushed(tenant, "texts", 4);

      List<Row> rows = db.sql("SELECT seq, body, created_at FROM workflow_events WHERE tenant = $1 "
          + "AND workflow_id = $2 AND seq >= 2 ORDER BY seq", tenant, "texts");
      assertThat(rows).hasSize(3);
      for (int i = 0; i < 3; i++) {
        SseEvent seen = streamed.get(i);
        assertThat(rows.get(i).getLong("seq")).isEqualTo(seen.seq());
        assertThat(rows.get(i).getString("body")).as("body of seq %d", seen.seq()).isEqualTo(seen.data());
        assertThat(rows.get(i).getOffsetDateTime("created_at").toInstant())
            .isEqualTo(Instant.parse(seen.json().getString("created_at")));
      }
      assertThat(streamed.get(0).data()).contains("café ☕ naïve").contains("9007199254740993");

      Row workflow = db.sql("SELECT state, version, updated_at FROM workflows WHERE tenant = $1 AND id = $2",
          tenant, "texts").get(0);
      JsonObject last = streamed.get(2).json();
      assertThat(workflow.getLong("version")).isEqualTo(last.getLong("version"));
      assertThat(((JsonObject) workflow.getValue("state")).getString("text")).isEqualTo("𝄞 clef");
      assertThat(workflow.getOffsetDateTime("updated_at").toInstant())
          .isEqualTo(Instant.parse(last.getString("created_at")));
    }
  }
}
