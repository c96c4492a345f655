package io.flowcast.redis;

import io.flowcast.workflow.Actor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.SideData;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowEvents;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.bus.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Side data in Redis: one hash per side and workflow, changed with the workflow by {@code change.lua}. */
public final class RedisSideData implements SideData {
  private final RedisWorkflowStore store;

  RedisSideData(RedisWorkflowStore store) {
    this.store = store;
  }

  @Override
  public Future<Read> read(WorkflowKey key, Side side) {
    String hash = side == Side.DRAFTS ? store.calls().keys().drafts(key) : store.calls().keys().snapshots(key);
    return store.get(key).compose(workflow -> store.calls().send(Request.cmd(Command.HGETALL).arg(hash))
        .map(fields -> new Read(workflow, RedisReplies.fields(fields))));
  }

  @Override
  public Future<Mutation> write(WorkflowKey key, Change change, Actor actor) {
    Instant now = Times.now(store.clock());
    List<FieldOp> ops = change.opsWith(store.hook());
    String rest = "," + WorkflowEvents.rest(key, change.eventType(), change.eventData(), null, null, actor.subject(), now)
        .encode().substring(1);
    List<String> opArgs = new ArrayList<>();
    for (FieldOp op : ops) {
      opArgs.add(op.side().label());
      opArgs.add(op.field());
      opArgs.add(FieldOp.ANY.equals(op.expected()) ? "*" : op.expected() == null ? "" : op.expected());
      opArgs.add(op.value() == null ? "" : op.value());
    }
    ScriptArgs args = ScriptArgs.of()
        .put("expected_version", change.newState() == null ? "" : String.valueOf(change.base().version()))
        .put("state", change.newState() == null ? "" : change.newState().encode())
        .put("updated_at", Times.format(now)).put("type", change.eventType()).put("rest", rest)
        .putList("ops", opArgs);
    return store.calls().run("change", key, actor, args).compose(r -> {
      switch (r.outcome()) {
        case OK:
          if (change.newState() != null) {
            store.changedElsewhere(key);
          }
          return Future.succeededFuture(mutation(key, change, r, now));
        case STALE:
          return Future.failedFuture(new Stale());
        case BACKLOG:
          return Future.failedFuture(ApiException.unavailable("the write buffer to PostgreSQL is full; retry shortly"));
        default:
          return Future.failedFuture(ApiException.notFound("workflow '" + key.id() + "' does not exist"));
      }
    });
  }

  /** The workflow after the change, as the script left it. */
  private static Mutation mutation(WorkflowKey key, Change change, ScriptReply r, Instant now) {
    Workflow base = change.base();
    boolean writes = change.newState() != null;
    // the version as the script left it: a change that writes no state checked none
    Workflow after = base.asOf(base.status(), writes ? change.newState() : base.state(), base.metadata(),
        r.number("version"), writes ? now : base.updatedAt()).touched(now)
        .withEvent(r.number("epoch"), r.string("id"), r.number("seq"));
    return new Mutation(after, new JsonObject(r.string("json")), r.number("epoch"));
  }
}
