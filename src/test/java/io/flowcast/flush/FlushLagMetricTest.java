package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flowcast_flush_lag_seconds} is the age of the oldest buffered change when /metrics is read, not
 * when the flusher last ran: with a flusher that does not get round to flushing, the lag keeps growing.
 */
class FlushLagMetricTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(FlushLagMetricTest.class);

  @RegisterExtension
  @Order(1)
  static final Databases db = new Databases(KEY_PREFIX);
  /** The flusher reads only every 10 minutes and never on a change count: a change stays buffered. */
  @RegisterExtension
  @Order(2)
  static final StartedServer server = StartedServer.with(TestServer.onRedisWithPg(KEY_PREFIX)
      .put("flush.interval_ms", 600_000).put("flush.threshold", 100_000_000));

  @Test
  void theLagGrowsWhileNothingIsFlushed() {
    String token = server.token("lagging", "lag-" + System.nanoTime(), TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "waiting"));

    double first = Eventually.await("the buffered change seen by the lag gauge", Duration.ofSeconds(10),
        () -> server.api().metric("flowcast_flush_lag_seconds"), lag -> lag > 0);
    assertThat(server.api().metric("flowcast_flush_backlog")).isGreaterThanOrEqualTo(1);
    double later = Eventually.await("the lag growing with no flush", Duration.ofSeconds(10),
        () -> server.api().metric("flowcast_flush_lag_seconds"), lag -> lag >= first + 0.5);
    assertThat(later).isLessThan(60);
  }
}
