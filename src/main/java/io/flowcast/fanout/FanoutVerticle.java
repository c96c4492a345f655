package io.flowcast.fanout;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.EventDelivery;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.json.JsonArray;

import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * The instance's one link to the event transport: keeps one reference-counted subscription per workflow
 * that local streams watch, and publishes what arrives to the local HTTP verticles (the event itself,
 * through a local codec: no copy per verticle).
 */
public final class FanoutVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(FanoutVerticle.class);

  private final EventTransport transport;
  private final Map<String, Watch> watches = new HashMap<>();

  /** How many local streams watch a workflow, and when the transport subscription is in place. */
  private static final class Watch {
    int count;
    Future<Void> ready;
  }

  public FanoutVerticle(EventTransport transport) {
    this.transport = transport;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    bus.<JsonObject>consumer(Addresses.FANOUT_SUBSCRIBE, this::subscribe);
    bus.<JsonObject>consumer(Addresses.FANOUT_UNSUBSCRIBE, this::unsubscribe);
    return transport.start(new EventTransport.Listener() {
      @Override
      public void event(EventDelivery event) {
        bus.publish(Addresses.SSE_DELIVER, event, EventDelivery.LOCAL);
      }

      @Override
      public void resync(Set<String> workflows) {
        bus.publish(Addresses.SSE_RESYNC, new JsonObject().put("workflows", new JsonArray(List.copyOf(workflows))));
      }

      @Override
      public void revoked(String sid, long untilEpochSecond) {
        bus.publish(Addresses.SESSION_REVOKED, new JsonObject().put("sid", sid).put("until", untilEpochSecond));
      }

      @Override
      public Future<Void> expired(String workflow) {
        WorkflowKey key = WorkflowKey.parseTag(workflow);
        return bus.<JsonObject>request(Addresses.WORKFLOW_EXPIRED,
                new JsonObject().put("tenant", key.tenant()).put("id", key.id()))
            .onSuccess(reply -> {
              // delivered here as well as over pub/sub (streams drop the second copy by seq): it then reaches
              // this instance's streams before anything that follows, such as a resync
              JsonObject event = reply.body().getJsonObject("event");
              if (event != null) {
                bus.publish(Addresses.SSE_DELIVER, EventDelivery.of(workflow, event), EventDelivery.LOCAL);
              }
            })
            .onFailure(err -> log.warn("announcing the expiry of {} failed: {}", workflow, err.toString()))
            .<Void>mapEmpty();
      }
    })
        .onSuccess(v -> log.info("fan-out transport: {}", transport.name()));
  }

  @Override
  public Future<?> stop() {
    return transport.close();
  }

  private void subscribe(Message<JsonObject> message) {
    String workflow = message.body().getString("workflow");
    Watch watch = watches.computeIfAbsent(workflow, w -> new Watch());
    if (watch.count++ == 0) {
      watch.ready = transport.subscribe(workflow);
    }
    watch.ready.onSuccess(v -> message.reply(new JsonObject()))
        .onFailure(err -> {
          release(workflow);
          message.fail(503, "cannot subscribe to workflow events: " + err.getMessage());
        });
  }

  private void unsubscribe(Message<JsonObject> message) {
    release(message.body().getString("workflow"));
  }

  private void release(String workflow) {
    Watch watch = watches.get(workflow);
    if (watch != null && --watch.count == 0) {
      watches.remove(workflow);
      transport.unsubscribe(workflow)
          .onFailure(err -> log.warn("unsubscribe from {} failed: {}", workflow, err.toString()));
    }
  }
}
