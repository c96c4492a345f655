package io.flowcast.health;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.FlowcastProcess;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server as the launcher starts it (its own JVM, Vert.x metrics on): /metrics has the HTTP server's
 * requests and a response-time histogram with fixed buckets, and Vert.x's other timers stay without
 * buckets (one series each, not dozens).
 */
@ExtendWith(VertxExtension.class)
class LauncherMetricsTest {

  @Test
  void httpResponseTimeHasAHistogramWithFixedBuckets(Vertx vertx) throws Exception {
    try (FlowcastProcess server = FlowcastProcess.start(vertx, Map.of())) {
      WebClient client = WebClient.create(vertx);
      for (int i = 0; i < 3; i++) {
        assertThat(client.get(server.port(), "127.0.0.1", "/api/v1/workflows/none").send().await().statusCode())
            .isEqualTo(401);
      }
      String scrape = client.get(server.port(), "127.0.0.1", "/metrics").send().await().bodyAsString();

      assertThat(Api.meter(scrape, "vertx_http_server_requests_total")).isGreaterThanOrEqualTo(3);
      List<String> buckets = scrape.lines()
          .filter(l -> l.startsWith("vertx_http_server_response_time_seconds_bucket{code=\"401\"")).toList();
      assertThat(buckets).hasSize(14);
      assertThat(buckets.get(0)).contains("le=\"0.001\"");
      assertThat(buckets.get(13)).contains("le=\"+Inf\"").endsWith(" 3");
      assertThat(scrape.lines().filter(l -> l.contains("_bucket{"))
          .filter(l -> !l.startsWith("vertx_http_server_response_time_seconds_bucket")).toList())
          .as("buckets only for the HTTP response time").isEmpty();
      assertThat(Api.meter(scrape, "flowcast_sse_streams_open")).isZero();
      assertThat(Api.meter(scrape, "jvm_memory_used_bytes")).as("JVM meters on the same registry").isPositive();
    }
  }
}
