package io.flowcast.presence;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.Commands;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.CommandFields;
import io.flowcast.workflow.Feature;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.MutationHandoff;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The presence commands of {@link Addresses} (docs/EVENTBUS.md), served in the workflow verticle, and the
 * sweep that records the leaving of watchers whose lease ran out (an instance that died, a client that
 * stopped renewing): every {@code presence.sweep_ms} this instance lists the workflows the backend says
 * may hold such a lease. The events of every call pass through the mutation handoff (fan-out, durable record).
 */
public final class PresenceCommands implements Feature {
  private static final Logger log = LoggerFactory.getLogger(PresenceCommands.class);
  /** Workflows swept per tick at most; the rest wait for the next. */
  private static final int SWEEP_BATCH = 100;

  private final Presence presence;
  private final FlowcastConfig.Presence config;
  private final Clock clock;
  private MutationHandoff handoff;
  private boolean sweeping;

  public PresenceCommands(Presence presence, FlowcastConfig.Presence config, Clock clock) {
    this.presence = presence;
    this.config = config;
    this.clock = clock;
  }

  @Override
  public void register(Vertx vertx, MutationHandoff handoff) {
    this.handoff = handoff;
    Commands.serve(vertx, Addresses.PRESENCE_SET, log, b -> {
      WorkflowKey key = CommandFields.key(b);
      JsonObject body = b.getValue("body") instanceof JsonObject o ? o : new JsonObject();
      WorkflowRules.onlyFields(body, Set.of("status"), "a presence");
      String status = PresenceRules.status(body.getValue("status"));
      String holder = PresenceRules.holder(b.getValue("holder"));
      Instant now = Times.now(clock);
      return presence.set(key, holder, status, now, now.plusMillis(config.leaseMs()), actor(b))
          .compose(outcome -> handedOff(key, outcome, b));
    });
    Commands.serve(vertx, Addresses.PRESENCE_LEAVE, log, b -> {
      WorkflowKey key = CommandFields.key(b);
      String holder = PresenceRules.holder(b.getValue("holder"));
      return presence.leave(key, holder, Times.now(clock), actor(b)).compose(outcome -> handedOff(key, outcome, b));
    });
    Commands.serve(vertx, Addresses.PRESENCE_LIST, log, b -> {
      WorkflowKey key = CommandFields.key(b);
      return presence.list(key, Times.now(clock)).compose(outcome -> handedOff(key, outcome, b));
    });
    vertx.setPeriodic(config.sweepMs(), id -> sweep());
  }

  private static Actor actor(JsonObject command) {
    Actor actor = CommandFields.actor(command);
    if (actor.subject() == null) {
      throw io.flowcast.bus.ApiException.badRequest("actor is required");
    }
    return new Actor(actor.subject(), actor.requestId()); // presence takes no Idempotency-Key
  }

  /** Hands every event on, in order, then answers the members. */
  private Future<JsonObject> handedOff(WorkflowKey key, Presence.Outcome outcome, JsonObject command) {
    Future<Mutation> chain = Future.succeededFuture();
    for (Mutation m : outcome.events()) {
      chain = chain.compose(v -> handoff.apply(key, m, command));
    }
    return chain.map(v -> members(outcome.members()));
  }

  static JsonObject members(List<Member> members) {
    return new JsonObject().put("members", new JsonArray(members.stream().map(Member::toJson).toList()));
  }

  /** Lists the workflows that may hold a lease that ran out: listing drops it and records the leave. */
  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    Instant now = Times.now(clock);
    JsonObject none = new JsonObject();
    presence.due(now, SWEEP_BATCH).compose(keys -> {
      Future<Void> chain = Future.succeededFuture();
      for (WorkflowKey key : keys) {
        chain = chain.compose(v -> presence.list(key, now).compose(outcome -> handedOff(key, outcome, none))
            .<Void>mapEmpty().recover(err -> {
              log.debug("presence sweep of {}: {}", key.tag(), err.getMessage());
              return Future.succeededFuture();
            }));
      }
      return chain;
    }).onComplete(done -> {
      sweeping = false;
      if (done.failed()) {
        log.warn("presence sweep failed: {}", done.cause().toString());
      }
    });
  }
}
