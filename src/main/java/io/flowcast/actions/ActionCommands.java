package io.flowcast.actions;

import io.flowcast.actions.ActionQueue.Change;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.Commands;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.workflow.CommandFields;
import io.flowcast.workflow.Feature;
import io.flowcast.workflow.MutationHandoff;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The action commands of {@link Addresses} (docs/EVENTBUS.md), served in the workflow verticle: each
 * change passes through the mutation handoff (fan-out, durable record) before it is answered.
 */
public final class ActionCommands implements Feature {
  private static final Logger log = LoggerFactory.getLogger(ActionCommands.class);

  private final ActionQueue queue;
  private final ActionRules rules;
  private MutationHandoff handoff;

  public ActionCommands(ActionQueue queue, FlowcastConfig config) {
    this.queue = queue;
    this.rules = new ActionRules(config);
  }

  @Override
  public void register(Vertx vertx, MutationHandoff handoff) {
    this.handoff = handoff;
    ActionCommands c = this;
    Commands.serve(vertx, Addresses.ACTION_ENQUEUE, log, c::enqueue);
    Commands.serve(vertx, Addresses.ACTION_CLAIM, log, c::claim);
    Commands.serve(vertx, Addresses.ACTION_COMPLETE, log,
        b -> c.settle(b, c.rules.complete(actionId(b), b.getJsonObject("body", new JsonObject()))));
    Commands.serve(vertx, Addresses.ACTION_FAIL, log,
        b -> c.settle(b, c.rules.fail(actionId(b), b.getJsonObject("body", new JsonObject()))));
    Commands.serve(vertx, Addresses.ACTION_HEARTBEAT, log, c::heartbeat);
    Commands.serve(vertx, Addresses.ACTION_GET, log, c::get);
    Commands.serve(vertx, Addresses.ACTION_LIST, log, c::list);
  }

  private Future<JsonObject> enqueue(JsonObject b) {
    WorkflowKey key = CommandFields.key(b);
    return queue.enqueue(key, rules.newAction(b.getJsonObject("body")), CommandFields.actor(b))
        .compose(change -> handedOff(key, change, b));
  }

  private Future<JsonObject> claim(JsonObject b) {
    WorkflowKey key = CommandFields.key(b);
    return queue.claim(key, rules.claim(b.getJsonObject("body")), CommandFields.actor(b))
        .compose(change -> change == null ? Future.succeededFuture(new JsonObject().putNull("action"))
            : handedOff(key, change, b));
  }

  private Future<JsonObject> settle(JsonObject b, ActionQueue.Settlement settlement) {
    WorkflowKey key = CommandFields.key(b);
    return queue.settle(key, settlement, CommandFields.actor(b)).compose(change -> handedOff(key, change, b));
  }

  /** A lease renewal: no event, so nothing to hand off; the action as it now is. */
  private Future<JsonObject> heartbeat(JsonObject b) {
    return queue.heartbeat(CommandFields.key(b), actionId(b), rules.claim(b.getJsonObject("body", new JsonObject())),
        CommandFields.actor(b)).map(a -> new JsonObject().put("action", a.toJson()));
  }

  private Future<JsonObject> get(JsonObject b) {
    return queue.get(CommandFields.key(b), actionId(b)).map(a -> new JsonObject().put("action", a.toJson()));
  }

  private Future<JsonObject> list(JsonObject b) {
    WorkflowKey key = CommandFields.key(b);
    String status = rules.status(b.getString("status"));
    String cursor = rules.cursor(b.getString("cursor"));
    return queue.list(key, status, cursor, rules.limit(b.getInteger("limit"))).map(page -> new JsonObject()
        .put("items", new JsonArray(page.items().stream().map(Action::toJson).toList()))
        .put("next_cursor", page.nextCursor()));
  }

  private Future<JsonObject> handedOff(WorkflowKey key, Change change, JsonObject command) {
    return handoff.apply(key, change.mutation(), command)
        .map(m -> new JsonObject().put("action", change.action().toJson()));
  }

  private static String actionId(JsonObject b) {
    return CommandFields.id(b, "action_id", "action id");
  }
}
