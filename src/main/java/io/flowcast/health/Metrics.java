package io.flowcast.health;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.stream.DoubleStream;

/**
 * Prometheus metrics through Micrometer. The server's Vert.x is built with Micrometer metrics (HTTP
 * server requests and a latency histogram, event bus, JVM memory and GC) on the default registry; Flowcast's own
 * meters go to the same registry. A Vert.x built without metrics (embedded, tests) gets a registry
 * of its own with the JVM meters.
 */
public final class Metrics {
  private Metrics() {
  }

  /** The Vert.x builder the launcher uses: Micrometer metrics on a Prometheus registry. */
  public static VertxBuilder builder(VertxOptions options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(HTTP_LATENCY_HISTOGRAM);
    options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  /**
   * Histogram buckets for the HTTP server's response time only (p99 per method and status is then a
   * query): 13 buckets from 1 ms to 10 s. Vert.x's other timers (event bus, pools) keep count, sum and max.
   */
  private static final MeterFilter HTTP_LATENCY_HISTOGRAM = new MeterFilter() {
    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
      if (!id.getName().equals("vertx.http.server.response.time")) {
        return config;
      }
      double[] bucketsNanos = DoubleStream.of(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
          10000).map(ms -> ms * 1_000_000).toArray();
      return DistributionStatisticConfig.builder().serviceLevelObjectives(bucketsNanos).build().merge(config);
    }
  };

  /** The registry to export: Vert.x's when it has metrics on, else a new one. */
  public static PrometheusMeterRegistry registry() {
    MeterRegistry shared = BackendRegistries.getDefaultNow();
    if (shared instanceof PrometheusMeterRegistry prometheus) {
      return prometheus;
    }
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(own);
    new JvmGcMetrics().bindTo(own);
    return own;
  }
}
