package io.flowcast.sse;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.flowcast.sse.MultiStreamTest.newWorkflows;
import static io.flowcast.sse.MultiStreamTest.openings;
import static io.flowcast.sse.MultiStreamTest.position;
import static io.flowcast.sse.MultiStreamTest.publish;
import static io.flowcast.sse.MultiStreamTest.streamPath;
import static org.assertj.core.api.Assertions.assertThat;

/** A multi-workflow stream on the Redis backend: fed by both instances, resumed on the other one. */
class MultiStreamTwoInstanceTest {
  @RegisterExtension
  static final StartedServer a = StartedServer.onRedis();
  @RegisterExtension
  static final StartedServer b = StartedServer.onRedis();

  @Test
  void streamOnOneInstanceResumesOnTheOtherWithoutGapOrDuplicateWhilePublishingOnBoth() throws Exception {
    String token = a.token("pub", "t-" + UUID.randomUUID().toString().substring(0, 8), TestServer.RW);
    List<String> ids = newWorkflows(a, token, 3);
    int perWorkflow = 300;
    ExecutorService pool = Executors.newFixedThreadPool(ids.size());
    List<Future<?>> running = new ArrayList<>();
    SeqsSeen seen;
    try (SseClient first = b.stream(streamPath(ids), token, null)) {
      seen = new SeqsSeen(ids, position(openings(first, ids.size())));
      for (String id : ids) {
        running.add(pool.submit(() -> {
          for (int i = 0; i < perWorkflow; i++) {
            publish(i % 2 == 0 ? a : b, token, id, "tick");
          }
        }));
      }
      seen.read(first, 150);
    }
    try (SseClient second = a.stream(streamPath(ids), token, seen.lastId())) {
      assertThat(running).as("publishers still running while the stream resumes").anyMatch(f -> !f.isDone());
      seen.readUntil(second, "tick", 1L + perWorkflow);
      for (Future<?> publisher : running) {
        publisher.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(second.poll(300)).as("nothing after the last events").isNull();
    }
    seen.assertEachOnce(2, 1 + perWorkflow);
  }
}
