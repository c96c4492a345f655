package io.flowcast.bench;

import io.flowcast.testsupport.StartedServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.flowcast.bench.BenchSmokeTest.bench;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cross-instance scenario's smoke run: publishers on one instance, subscribers on another, both on
 * one Redis. Every subscriber sees every seq once, in order, and the servers' own counters show that the
 * events were published on the first and delivered by the second.
 */
class BenchCrossInstanceTest {
  @RegisterExtension
  static final StartedServer publishing = StartedServer.onRedis();
  @RegisterExtension
  static final StartedServer subscribing = StartedServer.onRedis();

  @Test
  void publishedOnOneInstanceDeliveredByTheOther() {
    BenchSmokeTest.Run run = bench("fanout", "--publish-url", "http://127.0.0.1:" + publishing.port(),
        "--subscribe-url", "http://127.0.0.1:" + subscribing.port(), "--subscribers", "20", "--workflows", "2",
        "--rate", "200", "--publishers", "2", "--duration", "2", "--warmup", "0");
    assertThat(run.status()).as(run.err()).isZero();
    JsonObject report = run.report();
    assertThat(report.getJsonObject("check").getBoolean("ok")).as(report.encode()).isTrue();
    long received = report.getJsonObject("check").getLong("received");
    assertThat(received).isPositive();
    assertThat(report.getJsonObject("publish_errors")).isEmpty();
    assertThat(report.getJsonObject("subscribe_errors")).isEmpty();

    assertThat(publishing.api().metric("flowcast_events_published_total")).isGreaterThanOrEqualTo(
        report.getLong("published"));
    assertThat(publishing.api().metric("flowcast_events_delivered_total")).as("no stream on the publisher")
        .isZero();
    assertThat(subscribing.api().metric("flowcast_events_delivered_total")).isGreaterThanOrEqualTo(received);
  }
}
