package io.flowcast.sse;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events that reach an HTTP verticle while it is still writing an earlier event to its streams share
 * one write per stream; every stream still gets every event once and in order.
 */
class FanoutBatchingTest {
  private static final int STREAMS = 300;
  private static final int PUBLISHERS = 4;
  private static final int PER_PUBLISHER = 15;

  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("ratelimit.enabled", false));

  private static double counter(String name) {
    String scrape = server.api().get("/metrics", null).bodyAsString();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as(name).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void eventsArrivingDuringAFanOutShareWritesAndArriveOnceInOrder() throws Exception {
    String token = server.token("batch", "acme", TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "batched"));
    List<SseClient> streams = new ArrayList<>();
    try {
      for (int i = 0; i < STREAMS; i++) {
        SseClient sse = server.stream("/api/v1/workflows/batched/stream", token, null);
        sse.next("snapshot", 10);
        streams.add(sse);
      }
      double deliveredBefore = counter("flowcast_events_delivered_total");
      double writesBefore = counter("flowcast_sse_live_writes_total");

      ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
      try {
        List<Future<?>> publishing = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
          publishing.add(pool.submit(() -> {
            for (int i = 0; i < PER_PUBLISHER; i++) {
              assertThat(server.api().post("/api/v1/workflows/batched/events", token,
                  new JsonObject().put("type", "tick")).statusCode()).isEqualTo(201);
            }
          }));
        }
        for (Future<?> f : publishing) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }

      int events = PUBLISHERS * PER_PUBLISHER;
      for (SseClient sse : streams) {
        for (long seq = 2; seq <= 1 + events; seq++) {
          SseEvent event = sse.next(10);
          assertThat(event.event()).isEqualTo("tick");
          assertThat(event.json().getLong("seq")).isEqualTo(seq);
        }
      }
      double delivered = counter("flowcast_events_delivered_total") - deliveredBefore;
      double writes = counter("flowcast_sse_live_writes_total") - writesBefore;
      assertThat(delivered).isEqualTo((double) STREAMS * events);
      assertThat(writes).as("writes of %s deliveries", delivered).isPositive().isLessThan(delivered);
    } finally {
      streams.forEach(SseClient::close);
    }
  }
}
