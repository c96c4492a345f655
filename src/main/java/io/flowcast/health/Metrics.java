package io.flowcast.health;

import io.micrometer.core.instrument.MeterRegistry;
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

/**
 * Prometheus metrics through Micrometer. The server's Vert.x is built with Micrometer metrics (HTTP
 * server requests and latency, event bus, JVM memory and GC) on the default registry; Flowcast's own
 * meters go to the same registry. A Vert.x built without metrics (embedded, tests) gets a registry
 * of its own with the JVM meters.
 */
public final class Metrics {
  private Metrics() {
  }

  /** The Vert.x builder the launcher uses: Micrometer metrics on a Prometheus registry. */
  public static VertxBuilder builder(VertxOptions options) {
    options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory());
  }

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
