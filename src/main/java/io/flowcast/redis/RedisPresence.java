package io.flowcast.redis;

import io.flowcast.bus.ApiException;
import io.flowcast.presence.Member;
import io.flowcast.presence.Presence;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Presence on Redis: the leases in the workflow's presence hash, changed with their events by
 * {@code presence.lua} in one step; the workflows holding leases in one index ({@code presence_index.lua}),
 * so the sweep of any instance finds the leases of one that died. The index is updated after the script
 * (another slot): a lease written is indexed at its expiry ({@code ZADD GT}) before the call answers, and a
 * workflow is dropped from the index only while no lease written since runs beyond the sweep's time.
 */
final class RedisPresence implements Presence {
  private static final String SCRIPT = "presence";
  private static final String INDEX = "presence_index";
  private static final RedisScripts INDEX_SCRIPTS = RedisScripts.standalone(List.of(INDEX));

  private final RedisWorkflowStore store;
  private final RedisCalls calls;
  private final Redis redis;
  private final RedisKeys keys;
  private final long timeoutMs;

  RedisPresence(RedisWorkflowStore store, Redis redis, RedisKeys keys, long timeoutMs) {
    this.store = store;
    this.calls = store.calls();
    this.redis = redis;
    this.keys = keys;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Outcome> set(WorkflowKey key, String holder, String status, Instant now, Instant expires, Actor actor) {
    return call(key, "set", holder, status, now, expires, actor);
  }

  @Override
  public Future<Outcome> leave(WorkflowKey key, String holder, Instant now, Actor actor) {
    return call(key, "leave", holder, null, now, now, actor);
  }

  @Override
  public Future<Outcome> list(WorkflowKey key, Instant now) {
    return call(key, "list", Presence.API_HOLDER, null, now, now, Actor.SYSTEM);
  }

  @Override
  public Future<List<WorkflowKey>> due(Instant now, int limit) {
    return index(List.of("due", String.valueOf(now.toEpochMilli()), String.valueOf(limit))).map(tags -> {
      List<WorkflowKey> due = new ArrayList<>();
      for (Response tag : tags) {
        String text = tag.toString();
        int colon = text.indexOf(':');
        if (colon > 0) {
          due.add(new WorkflowKey(text.substring(0, colon), text.substring(colon + 1)));
        }
      }
      return due;
    });
  }

  private Future<Outcome> call(WorkflowKey key, String op, String holder, String status, Instant now,
      Instant expires, Actor actor) {
    ScriptArgs args = ScriptArgs.of().put("op", op).put("subject", actor.subject()).put("holder", holder)
        .put("status", status == null ? "" : status).put("now", now.toEpochMilli())
        .put("expires", expires.toEpochMilli()).put("created_at", Times.format(now)).put("workflow_id", key.id());
    Actor caller = new Actor(actor.subject(), actor.requestId());
    List<String> extra = List.of(keys.presence(key));
    return calls.run(SCRIPT, key, caller, extra, args).compose(r -> !r.is(ScriptReply.Outcome.MISSING)
        ? Future.succeededFuture(r)
        // not in Redis: put back from PostgreSQL when it is there (404 otherwise), then once more
        : store.get(key).compose(w -> calls.run(SCRIPT, key, caller, extra, args)))
        .recover(err -> err instanceof ApiException api && api.status() == 404
            ? dropped(key, now).compose(v -> Future.failedFuture(err)) : Future.failedFuture(err))
        .compose(r -> switch (r.outcome()) {
          case OK -> indexed(key, r, now).map(v -> outcome(r));
          case BACKLOG -> Future.failedFuture(ApiException.unavailable("the write buffer to PostgreSQL is full; "
              + "retry shortly"));
          case MISSING -> dropped(key, now).compose(v -> Future.failedFuture(ApiException.notFound("workflow '"
              + key.id() + "' does not exist")));
          default -> Future.failedFuture(new IllegalStateException("script presence answered " + r.outcome()));
        });
  }

  /** Keeps the index true to the script's answer: the latest expiry while leases remain, else no entry. */
  private Future<Void> indexed(WorkflowKey key, ScriptReply r, Instant now) {
    return r.number("leases") > 0 ? index(List.of("held", key.tag(), r.string("latest"))).mapEmpty()
        : dropped(key, now);
  }

  private Future<Void> dropped(WorkflowKey key, Instant now) {
    return index(List.of("done", key.tag(), String.valueOf(now.toEpochMilli()))).<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private Future<Response> index(List<String> args) {
    return INDEX_SCRIPTS.run(redis, INDEX, List.of(keys.presenceIndex()), args)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(err instanceof ApiException ? err : RedisCalls.redisDown()));
  }

  private static Outcome outcome(ScriptReply r) {
    List<Member> members = new ArrayList<>();
    for (Object m : new JsonArray(r.string("members"))) {
      JsonObject member = (JsonObject) m;
      members.add(new Member(member.getString("subject"), member.getString("status"),
          Instant.ofEpochMilli(member.getLong("joined_at"))));
    }
    List<Mutation> events = new ArrayList<>();
    long epoch = r.number("epoch");
    for (Response json : r.raw("events")) {
      events.add(new Mutation(null, new JsonObject(json.toString()), epoch));
    }
    return new Outcome(members, events);
  }
}
