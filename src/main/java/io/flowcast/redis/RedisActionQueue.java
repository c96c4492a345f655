package io.flowcast.redis;

import io.flowcast.actions.Action;
import io.flowcast.actions.ActionErrors;
import io.flowcast.actions.ActionQueue;
import io.flowcast.actions.EventRest;
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
    return run("action_enqueue", key, actor, ScriptArgs.of().put("action_id", Action.newId()).put("type", spec.type())
        .put("payload", Json.encode(spec.payload())).put("now", Times.format(now)).put("rest_head", rest.head())
        .put("rest_tail", rest.tail())).compose(r -> change(r, null, null));
  }

  @Override
  public Future<Change> claim(WorkflowKey key, Claim claim, Actor actor) {
    Instant now = Times.now(store.clock());
    Instant deadline = now.plusSeconds(claim.leaseSeconds());
    EventRest rest = EventRest.of(key, EventTypes.ACTION_CLAIMED, actor, now);
    return run("action_claim", key, actor, ScriptArgs.of().put("worker", claim.worker())
        .put("now_ms", now.toEpochMilli()).put("now", Times.format(now)).put("deadline_ms", deadline.toEpochMilli())
        .put("deadline", Times.format(deadline)).put("rest_head", rest.head()).put("rest_tail", rest.tail()))
        .compose(r -> r.is(ScriptReply.Outcome.NONE) ? Future.succeededFuture(null) : change(r, null, null));
  }

  @Override
  public Future<Change> settle(WorkflowKey key, Settlement s, Actor actor) {
    Instant now = Times.now(store.clock());
    String type = s.outcome() == Outcome.COMPLETE ? EventTypes.ACTION_COMPLETED : EventTypes.ACTION_FAILED;
    EventRest rest = EventRest.of(key, type, actor, now);
    return run("action_settle", key, actor, ScriptArgs.of().put("action_id", s.actionId())
        .put("outcome", s.outcome().name().toLowerCase(java.util.Locale.ROOT))
        .put("worker", s.worker() == null ? "" : s.worker()).put("value", Json.encode(s.value()))
        .put("now", Times.format(now)).put("rest_head", rest.head()).put("rest_tail", rest.tail()))
        .compose(r -> change(r, s.actionId(), s.worker()));
  }

  @Override
  public Future<Action> heartbeat(WorkflowKey key, String actionId, Claim lease, Actor actor) {
    Instant now = Times.now(store.clock());
    Instant deadline = now.plusSeconds(lease.leaseSeconds());
    return run("action_heartbeat", key, actor, ScriptArgs.of().put("action_id", actionId).put("worker", lease.worker())
        .put("now", Times.format(now)).put("deadline_ms", deadline.toEpochMilli()).put("deadline", Times.format(deadline)))
        .compose(r -> r.is(ScriptReply.Outcome.OK) ? Future.succeededFuture(StoredActions.parse(r.raw("action")))
            : change(r, actionId, lease.worker()).map(Change::action));
  }

  @Override
  public Future<Action> get(WorkflowKey key, String actionId) {
    return run("action_read", key, null, reading(actionId, "", "", 1)).compose(r -> r.is(ScriptReply.Outcome.UNKNOWN)
        ? Future.failedFuture(ActionErrors.unknown(actionId))
        : Future.succeededFuture(StoredActions.parse(r.raw("actions").get(0))));
  }

  @Override
  public Future<Page> list(WorkflowKey key, String status, String cursor, int limit) {
    return run("action_read", key, null, reading("", status == null ? "" : status, cursor == null ? "" : cursor,
        limit)).map(r -> {
          List<Action> items = new ArrayList<>();
          for (Response parts : r.raw("actions")) {
            items.add(StoredActions.parse(parts));
          }
          boolean more = r.flag("has_more");
          return new Page(items, more ? items.get(items.size() - 1).since() : null);
        });
  }

  private static ScriptArgs reading(String actionId, String status, String cursor, int limit) {
    return ScriptArgs.of().put("action_id", actionId).put("status", status).put("cursor", cursor).put("limit", limit);
  }

  /** Runs a script; a workflow that is not in Redis may live on in PostgreSQL: reading it puts it back. */
  private Future<ScriptReply> run(String script, WorkflowKey key, Actor actor, ScriptArgs args) {
    return calls.run(script, key, actor, args).compose(r -> !r.is(ScriptReply.Outcome.MISSING)
        ? Future.succeededFuture(r)
        : store.get(key).compose(w -> calls.run(script, key, actor, args)).compose(again ->
            again.is(ScriptReply.Outcome.MISSING) ? Future.failedFuture(ApiException.notFound("workflow '" + key.id()
                + "' does not exist")) : Future.succeededFuture(again)));
  }

  private static Future<Change> change(ScriptReply r, String actionId, String worker) {
    return switch (r.outcome()) {
      case OK -> Future.succeededFuture(new Change(StoredActions.parse(r.raw("action")),
          new Mutation(null, new JsonObject(r.string("json")), r.number("epoch"))));
      case UNKNOWN -> Future.failedFuture(ActionErrors.unknown(actionId));
      case SETTLED -> Future.failedFuture(ActionErrors.notClaimed(actionId, r.string("status")));
      case LOST -> Future.failedFuture(ActionErrors.lost(actionId, worker, r.string("worker")));
      case BACKLOG -> Future.failedFuture(ApiException.unavailable("the write buffer to PostgreSQL is full; "
          + "retry shortly"));
      default -> Future.failedFuture(new IllegalStateException("script answered " + r.outcome()));
    };
  }
}
