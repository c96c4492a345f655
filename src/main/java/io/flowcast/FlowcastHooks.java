package io.flowcast;

import io.flowcast.bus.Addresses;
import io.flowcast.health.Metrics;
import io.vertx.core.Deployable;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplicationHooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Vert.x undeploys child verticles in no particular order; on SIGTERM the HTTP side must stop first so
 * streams end cleanly and in-flight work completes. This runs on the shutdown-hook thread, where
 * waiting is allowed.
 */
final class FlowcastHooks implements VertxApplicationHooks {
  private static final Logger log = LoggerFactory.getLogger(FlowcastHooks.class);
  private static final long DRAIN_TIMEOUT_MS = 30_000;

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return MainVerticle::new;
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    // epoll on Linux x86-64 (bundled); Vert.x falls back to NIO where it cannot load
    options.setPreferNativeTransport(true);
    return Metrics.builder(options);
  }

  @Override
  public void beforeStoppingVertx(HookContext context) {
    try {
      context.vertx().eventBus()
          .request(Addresses.LIFECYCLE_DRAIN, null, new DeliveryOptions().setSendTimeout(DRAIN_TIMEOUT_MS))
          .toCompletionStage().toCompletableFuture()
          .get(DRAIN_TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
      log.info("drained; stopping");
    } catch (Exception e) {
      if (e.getCause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return; // the server never started
      }
      log.warn("graceful drain did not complete: {}", e.toString());
    }
  }
}
