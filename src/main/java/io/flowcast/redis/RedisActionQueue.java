package io.flowcast.redis;

import io.flowcast.actions.Action;
import io.flowcast.actions.ActionErrors;
import io.flowcast.actions.ActionQueue;
import io.flowcast.actions.EventRest;
import io.flowcast.actions.StoredActions;
import io.flowcast.bus.ApiException;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowStore;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The action queue on Redis, shared by every instance: per workflow a stream read by the consumer group
 * {@code workers} (claimed actions are its pending entries), a hash of action records and a sorted set of
 * lease deadlines, changed with the action's event by one script each ({@code lua/action_*.lua}).
 * Times come from this instance's clock, the clock every event's {@code created_at} comes from.
 */
public final class RedisActionQueue implements ActionQueue {
  private final RedisCalls calls;
  private final RedisWorkflowStore store;

  /** @param store the workflow store: its calls, its clock, and a workflow that left Redis put back (cache-aside) */
  RedisActionQueue(RedisWorkflowStore store) {
    this.calls = store.calls();
    this.store = store;
  }

  @Override
  public Future<Change> enqueue(WorkflowKey key, NewAction spec, Actor actor) {
    Instant now = Times.now(store.clock());
    EventRest rest = EventRest.of(key, EventTypes.ACTION_QUEUED, actor, now);
    return run("action_enqueue", key, actor, Action.newId(), spec.type(), Json.encode(spec.payload()),
        Times.format(now), rest.head(), rest.tail()).compose(r -> change(r, null, null));
  }

  @Override
  public Future<Change> claim(WorkflowKey key, Claim claim, Actor actor) {
    Instant now = Times.now(store.clock());
    Instant deadline = now.plusSeconds(claim.leaseSeconds());
    EventRest rest = EventRest.of(key, EventTypes.ACTION_CLAIMED, actor, now);
    return run("action_claim", key, actor, claim.worker(), String.valueOf(now.toEpochMilli()), Times.format(now),
        String.valueOf(deadline.toEpochMilli()), Times.format(deadline), rest.head(), rest.tail())
        .compose(r -> outcome(r).equals("none") ? Future.succeededFuture(null) : change(r, null, null));
  }

  @Override
  public Future<Change> settle(WorkflowKey key, Settlement s, Actor actor) {
    Instant now = Times.now(store.clock());
    String type = s.outcome() == Outcome.COMPLETE ? EventTypes.ACTION_COMPLETED : EventTypes.ACTION_FAILED;
    EventRest rest = EventRest.of(key, type, actor, now);
    return run("action_settle", key, actor, s.actionId(), s.outcome().name().toLowerCase(java.util.Locale.ROOT),
        s.worker() == null ? "" : s.worker(), Json.encode(s.value()), Times.format(now), rest.head(), rest.tail())
        .compose(r -> change(r, s.actionId(), s.worker()));
  }

  @Override
  public Future<Action> get(WorkflowKey key, String actionId) {
    return run("action_read", key, null, actionId, "", "", "1").compose(r -> outcome(r).equals("unknown")
        ? Future.failedFuture(ActionErrors.unknown(actionId)) : Future.succeededFuture(StoredActions.parse(r, 2)));
  }

  @Override
  public Future<Page> list(WorkflowKey key, String status, String cursor, int limit) {
    return run("action_read", key, null, "", status == null ? "" : status, cursor == null ? "" : cursor,
        String.valueOf(limit)).map(r -> {
          List<Action> items = new ArrayList<>();
          for (int at = 2; at + 3 < r.size(); at += 4) {
            items.add(StoredActions.parse(r, at));
          }
          boolean more = r.get(1).toInteger() == 1;
          return new Page(items, more ? items.get(items.size() - 1).since() : null);
        });
  }

  /** Runs a script; a workflow that is not in Redis may live on in PostgreSQL: reading it puts it back. */
  private Future<Response> run(String script, WorkflowKey key, Actor actor, String... args) {
    return calls.script(script, key, actor, args).compose(r -> !outcome(r).equals("missing")
        ? Future.succeededFuture(r)
        : store.get(key).compose(w -> calls.script(script, key, actor, args)).compose(again ->
            outcome(again).equals("missing") ? Future.failedFuture(ApiException.notFound("workflow '" + key.id()
                + "' does not exist")) : Future.succeededFuture(again)));
  }

  private static Future<Change> change(Response r, String actionId, String worker) {
    return switch (outcome(r)) {
      case "ok" -> Future.succeededFuture(new Change(StoredActions.parse(r, 5),
          new Mutation(null, new JsonObject(r.get(2).toString()), Long.parseLong(r.get(4).toString()))));
      case "unknown" -> Future.failedFuture(ActionErrors.unknown(actionId));
      case "settled" -> Future.failedFuture(ActionErrors.notClaimed(actionId, r.get(1).toString()));
      case "lost" -> Future.failedFuture(ActionErrors.lost(actionId, worker, r.get(1).toString()));
      case "backlog" -> Future.failedFuture(ApiException.unavailable("the write buffer to PostgreSQL is full; "
          + "retry shortly"));
      default -> Future.failedFuture(new IllegalStateException("unexpected reply " + outcome(r)));
    };
  }

  private static String outcome(Response r) {
    return r.get(0).toString();
  }
}
