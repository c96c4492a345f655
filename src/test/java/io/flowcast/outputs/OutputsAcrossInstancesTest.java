package io.flowcast.outputs;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances sharing one Redis: a model appends an answer on A while a reader on B drops its connection
 * mid-answer and resumes on B with Last-Event-ID; it gets the text so far once, then the rest, with no gap
 * and no duplicate, and ends with the whole text.
 */
class OutputsAcrossInstancesTest {
  private static final String WF = "/api/v1/workflows/answer";
  private static final String OUT = WF + "/outputs/reply";
  @RegisterExtension
  static final StartedServer a = StartedServer.onRedis();
  @RegisterExtension
  static final StartedServer b = StartedServer.onRedis();
  private static final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  @Test
  void aReaderResumingOnAnotherInstanceMidAnswerGetsTheTextSoFarOnceThenTheRestWithoutGapOrDuplicate()
      throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String token = a.token("model", tenant, TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "answer"));
    StringBuilder whole = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      whole.append("tok").append(i).append(' ');
    }
    Future<?> model = pool.submit(() -> {
      for (int i = 0; i < 400; i++) {
        assertThat(a.api().post(OUT + "/append", token, new JsonObject().put("text", "tok" + i + " ")).statusCode())
            .isEqualTo(200);
        if (i % 50 == 0) {
          // logged events among the chunks: positions to resume from inside the answer
          a.api().post(WF + "/events", token, new JsonObject().put("type", "progress").put("data", new JsonObject()));
        }
        Thread.sleep(3);
      }
      assertThat(a.api().post(OUT + "/close", token, new JsonObject()).statusCode()).isEqualTo(200);
      return null;
    });

    String lastId;
    StringBuilder seen = new StringBuilder();
    try (SseClient first = b.stream(WF + "/stream", token, null)) {
      first.next("snapshot", 10);
      SseEvent frame = null;
      while (seen.length() < 600) {
        frame = first.next(10);
        String text = apply(seen, frame);
        assertThat(text).as("frame %s", frame).isNotNull();
      }
      lastId = frame.id(); // the position EventSource would resume from: the last logged event's id
    }
    assertThat(model.isDone()).as("the answer is still being written").isFalse();

    List<String> types = new ArrayList<>();
    StringBuilder text = null;
    try (SseClient resumed = b.stream(WF + "/stream", token, lastId)) {
      while (true) {
        SseEvent frame = resumed.next(15);
        types.add(frame.event());
        if (frame.event().equals("output.snapshot")) {
          assertThat(text).as("the text so far comes once, before any chunk").isNull();
          text = new StringBuilder(frame.json().getString("text"));
          assertThat(whole.toString()).startsWith(text.toString());
          assertThat(text.length()).isGreaterThanOrEqualTo(seen.length());
        } else if (frame.event().equals("output.delta")) {
          assertThat(text).as("a chunk after the text so far").isNotNull();
          assertThat(frame.json().getLong("offset")).as("no gap, no duplicate").isEqualTo(text.length());
          text.append(frame.json().getString("text"));
        } else if (frame.event().equals("output.closed")) {
          assertThat(frame.json().getJsonObject("data").getString("text")).isEqualTo(text.toString());
          break;
        } else {
          assertThat(frame.event()).isEqualTo("progress");
        }
      }
    }
    model.get(60, TimeUnit.SECONDS);
    assertThat(text.toString()).isEqualTo(whole.toString());
    assertThat(types.stream().filter("output.snapshot"::equals).count()).isEqualTo(1);
    assertThat(types).doesNotContain("output.appended");
  }

  /** What a client does with a frame of the output: the text it now has, or null for another frame. */
  private static String apply(StringBuilder text, SseEvent frame) {
    switch (frame.event()) {
      case "output.delta" -> {
        assertThat(frame.json().getLong("offset")).isEqualTo(text.length());
        text.append(frame.json().getString("text"));
      }
      case "output.snapshot" -> text.replace(0, text.length(), frame.json().getString("text"));
      case "progress" -> {
      }
      default -> {
        return null;
      }
    }
    return text.toString();
  }
}
