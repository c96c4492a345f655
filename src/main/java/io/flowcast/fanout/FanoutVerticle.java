package io.flowcast.fanout;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.EventDelivery;
import io.flowcast.bus.FeedChange;
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
import java.util.function.Function;

/**
 * The instance's one link to the event transport: keeps one reference-counted subscription per workflow
 * that local streams watch (and per tenant that local feed streams follow), and publishes what arrives to the local HTTP verticles (the event itself,
 * through a local codec: no copy per verticle).
 */
public final class FanoutVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(FanoutVerticle.class);

  private final EventTransport transport;
  /** The workflows local streams watch, and the tenants local feed streams follow. */
  private final Watches workflows;
  private final Watches tenants;

  /** How many local streams watch a workflow, and when the transport subscription is in place. */
  private static final class Watch {
    int count;
    Future<Void> ready;
  }

  public FanoutVerticle(EventTransport transport) {
    this.transport = transport;
    this.workflows = new Watches(transport::subscribe, transport::unsubscribe);
    this.tenants = new Watches(transport::subscribeFeed, transport::unsubscribeFeed);
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    bus.<JsonObject>consumer(Addresses.FANOUT_SUBSCRIBE, m -> workflows.watch(m, m.body().getString("workflow")));
    bus.<JsonObject>consumer(Addresses.FANOUT_UNSUBSCRIBE, m -> workflows.release(m.body().getString("workflow")));
    bus.<JsonObject>consumer(Addresses.FANOUT_FEED_SUBSCRIBE, m -> tenants.watch(m, m.body().getString("tenant")));
    bus.<JsonObject>consumer(Addresses.FANOUT_FEED_UNSUBSCRIBE, m -> tenants.release(m.body().getString("tenant")));
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
      public void feed(FeedChange change) {
        bus.publish(Addresses.SSE_FEED, change, FeedChange.LOCAL);
      }

      @Override
      public void feedResync(Set<String> tenants) {
        bus.publish(Addresses.SSE_FEED_RESYNC, new JsonObject().put("tenants", new JsonArray(List.copyOf(tenants))));
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

  /**
   * Local interest in one kind of name (workflows, tenants): one transport subscription per name, however
   * many local streams follow it.
   */
  private final class Watches {
    private final Map<String, Watch> all = new HashMap<>();
    private final Function<String, Future<Void>> subscribe;
    private final Function<String, Future<Void>> unsubscribe;

    Watches(Function<String, Future<Void>> subscribe, Function<String, Future<Void>> unsubscribe) {
      this.subscribe = subscribe;
      this.unsubscribe = unsubscribe;
    }

    /** One more local stream follows {@code name}: the first subscribes at the transport. */
    void watch(Message<JsonObject> message, String name) {
      Watch watch = all.computeIfAbsent(name, w -> new Watch());
      if (watch.count++ == 0) {
        watch.ready = subscribe.apply(name);
      }
      watch.ready.onSuccess(v -> message.reply(new JsonObject()))
          .onFailure(err -> {
            release(name);
            message.fail(503, "cannot subscribe to " + name + ": " + err.getMessage());
          });
    }

    /** One local stream less follows {@code name}: the last unsubscribes at the transport. */
    void release(String name) {
      Watch watch = all.get(name);
      if (watch != null && --watch.count == 0) {
        all.remove(name);
        unsubscribe.apply(name).onFailure(err -> log.warn("unsubscribe from {} failed: {}", name, err.toString()));
      }
    }
  }
}
