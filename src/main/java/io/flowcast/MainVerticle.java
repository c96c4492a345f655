package io.flowcast;

import io.flowcast.bus.Addresses;
import io.flowcast.config.ConfigLoader;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.fanout.EventTransport;
import io.flowcast.fanout.FanoutVerticle;
import io.flowcast.fanout.LocalEventTransport;
import io.flowcast.http.HttpVerticle;
import io.flowcast.workflow.InMemoryWorkflowStore;
import io.flowcast.workflow.WorkflowStore;
import io.flowcast.workflow.WorkflowVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and validates the configuration, then deploys the verticles in order: workflow (owns state),
 * fan-out (carries events), HTTP (the edge, one per event loop). On shutdown the HTTP side goes first,
 * see {@link FlowcastHooks}.
 */
public final class MainVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MainVerticle.class);

  private FlowcastConfig config;
  private String httpDeployment;
  private MessageConsumer<Object> drainConsumer;

  @Override
  public Future<?> start() {
    config = FlowcastConfig.from(ConfigLoader.load(config(), System.getenv()));
    WorkflowStore store = new InMemoryWorkflowStore(config.eventsRetentionMax());
    EventTransport transport = new LocalEventTransport();
    JsonObject readiness = new JsonObject()
        .put("ready", true)
        .put("instance", config.instanceId())
        .put("backend", store.name())
        .put("transport", transport.name())
        .put("persistence", "off")
        .put("degraded", new JsonArray().add("in-memory backend: single instance, state is lost on restart"));
    int httpInstances = config.httpInstances() == 0
        ? Math.max(1, Runtime.getRuntime().availableProcessors()) : config.httpInstances();
    drainConsumer = vertx.eventBus().consumer(Addresses.LIFECYCLE_DRAIN, m -> stopHttp().onComplete(ar -> m.reply(null)));

    return vertx.deployVerticle(new WorkflowVerticle(config, store))
        .compose(id -> vertx.deployVerticle(new FanoutVerticle(transport)))
        .compose(id -> vertx.deployVerticle(() -> new HttpVerticle(config, () -> readiness),
            new DeploymentOptions().setInstances(httpInstances)))
        .onSuccess(id -> {
          httpDeployment = id;
          log.info("Flowcast {} listening on {}:{} ({} HTTP verticles), backend {}: in-memory, single instance; "
                  + "persistence off", config.instanceId(), config.httpHost(), config.httpPort(), httpInstances,
              store.name());
        });
  }

  /** Stops taking requests and ends every SSE stream cleanly; idempotent. */
  Future<Void> stopHttp() {
    String id = httpDeployment;
    httpDeployment = null;
    if (id == null) {
      return Future.succeededFuture();
    }
    log.info("stopping the HTTP side: no new requests, open streams end");
    return vertx.undeploy(id);
  }

  @Override
  public Future<?> stop() {
    if (drainConsumer != null) {
      drainConsumer.unregister();
    }
    return stopHttp();
  }
}
