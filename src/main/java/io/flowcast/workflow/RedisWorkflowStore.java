package io.flowcast.workflow;

import io.flowcast.bus.ApiException;
import io.flowcast.redis.RedisKeys;
import io.flowcast.redis.RedisScripts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Workflows in Redis, shared by every instance: a state hash and an event stream per workflow, changed
 * together by one Lua script that also publishes the event. Changes are computed here (merge patch)
 * from a read and written with a compare-and-set on the version, retried when another writer won.
 */
public final class RedisWorkflowStore implements WorkflowStore {
  private static final int MAX_ATTEMPTS = 16;

  /** Tuning of the store, from config. */
  public record Settings(int retentionMax, int streamGraceSeconds, long timeoutMs, int indexTtlSeconds) {
  }

  private final Vertx vertx;
  private final Redis redis;
  private final RedisScripts scripts = new RedisScripts(
      List.of("create", "patch", "append", "delete", "expired", "read", "events"));
  private final Settings settings;

  public RedisWorkflowStore(Vertx vertx, Redis redis, Settings settings) {
    this.vertx = vertx;
    this.redis = redis;
    this.settings = settings;
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public boolean publishesEvents() {
    return true;
  }

  @Override
  public Future<Mutation> create(WorkflowKey key, NewWorkflow spec, String actor) {
    Instant now = Times.now();
    JsonObject data = new JsonObject().put("status", spec.status()).put("state", spec.state())
        .put("metadata", spec.metadata());
    String rest = rest(WorkflowEvents.rest(key, EventTypes.CREATED, data, null, null, actor, now));
    return script("create", key, spec.status(), spec.state().encode(), spec.metadata().encode(),
        String.valueOf(spec.ttlSeconds()), Times.format(now), rest)
        .compose(r -> {
          if (outcome(r).equals("exists")) {
            return Future.failedFuture(ApiException.conflict("workflow '" + key.id() + "' already exists"));
          }
          Workflow workflow = new Workflow(key, spec.status(), spec.state(), spec.metadata(), 1, now, now,
              now.plusSeconds(spec.ttlSeconds()), spec.ttlSeconds(), r.get(1).toString(), r.get(3).toLong());
          String index = RedisKeys.tenantIndex(key.tenant());
          return send(List.of(
              Request.cmd(Command.ZADD).arg(index).arg(now.toEpochMilli()).arg(key.id()),
              Request.cmd(Command.EXPIRE).arg(index).arg(settings.indexTtlSeconds())))
              .map(ok -> new Mutation(workflow, new JsonObject(r.get(2).toString())));
        });
  }

  @Override
  public Future<Workflow> get(WorkflowKey key) {
    return script("read", key).compose(r -> r == null
        ? Future.failedFuture(notFound(key)) : Future.succeededFuture(workflow(key, r)));
  }

  @Override
  public Future<WorkflowPage> list(String tenant, String status, int limit, String cursor) {
    ListCursor after;
    try {
      after = cursor == null ? null : ListCursor.decode(cursor);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return collect(tenant, status, limit, after, 0, new ArrayList<>());
  }

  /** Walks the tenant index newest first, skipping workflows that expired and filtering by status. */
  private Future<WorkflowPage> collect(String tenant, String status, int limit, ListCursor after, int offset,
      List<Workflow> items) {
    int batch = Math.max(limit * 2, 16);
    String index = RedisKeys.tenantIndex(tenant);
    Request range = Request.cmd(Command.ZRANGE).arg(index)
        .arg(after == null ? "+inf" : String.valueOf(after.createdMillis())).arg("-inf")
        .arg("BYSCORE").arg("REV").arg("LIMIT").arg(offset).arg(batch).arg("WITHSCORES");
    return send(range).compose(entries -> {
      List<String> ids = new ArrayList<>();
      List<Long> created = new ArrayList<>();
      for (int i = 0; i + 1 < entries.size(); i += 2) {
        String id = entries.get(i).toString();
        long millis = (long) Double.parseDouble(entries.get(i + 1).toString());
        if (after == null || after.before(millis, id)) {
          ids.add(id);
          created.add(millis);
        }
      }
      boolean exhausted = entries.size() / 2 < batch;
      if (ids.isEmpty()) {
        return exhausted ? Future.succeededFuture(new WorkflowPage(items, null))
            : collect(tenant, status, limit, after, offset + batch, items);
      }
      List<Request> reads = new ArrayList<>();
      ids.forEach(id -> reads.add(Request.cmd(Command.HGETALL).arg(RedisKeys.state(new WorkflowKey(tenant, id)))));
      return send(reads).compose(hashes -> {
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          Response hash = hashes.get(i);
          if (hash == null || hash.size() == 0) {
            gone.add(ids.get(i));
            continue;
          }
          Workflow w = workflow(new WorkflowKey(tenant, ids.get(i)), hash);
          if (status != null && !status.equals(w.status())) {
            continue;
          }
          if (items.size() == limit) {
            Workflow last = items.get(items.size() - 1);
            return forget(index, gone).map(v -> new WorkflowPage(items,
                new ListCursor(last.createdAt().toEpochMilli(), last.key().id()).encode()));
          }
          items.add(w);
        }
        return forget(index, gone).compose(v -> exhausted ? Future.succeededFuture(new WorkflowPage(items, null))
            : collect(tenant, status, limit, after, offset + batch, items));
      });
    });
  }

  /** Drops expired workflows from the tenant index. */
  private Future<Void> forget(String index, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    Request rem = Request.cmd(Command.ZREM).arg(index);
    ids.forEach(rem::arg);
    return send(rem).mapEmpty();
  }

  @Override
  public Future<Mutation> patch(WorkflowKey key, JsonObject patch, Long expectedVersion, String actor) {
    return attemptPatch(key, patch, expectedVersion, actor, 1);
  }

  private Future<Mutation> attemptPatch(WorkflowKey key, JsonObject patch, Long expectedVersion, String actor,
      int attempt) {
    return get(key).compose(current -> {
      if (expectedVersion != null && expectedVersion != current.version()) {
        return Future.failedFuture(versionMismatch(current.version(), expectedVersion));
      }
      PatchPlan plan = PatchPlan.of(current, patch);
      if (!plan.changed()) {
        return Future.succeededFuture(new Mutation(current, null));
      }
      Instant now = Times.now();
      long version = current.version() + 1;
      String rest = rest(WorkflowEvents.rest(key, plan.eventType(), patch, null, null, actor, now));
      return script("patch", key, String.valueOf(current.version()), plan.status(), plan.state().encode(),
          plan.metadata().encode(), Times.format(now), plan.eventType(), rest).compose(r -> switch (outcome(r)) {
            case "ok" -> Future.succeededFuture(new Mutation(
                new Workflow(key, plan.status(), plan.state(), plan.metadata(), version, current.createdAt(), now,
                    now.plusSeconds(current.ttlSeconds()), current.ttlSeconds(), r.get(1).toString(),
                    r.get(3).toLong()),
                new JsonObject(r.get(2).toString())));
            case "missing" -> Future.failedFuture(notFound(key));
            default -> {
              long actual = r.get(1).toLong();
              if (expectedVersion != null) {
                yield Future.failedFuture(versionMismatch(actual, expectedVersion));
              }
              yield attempt < MAX_ATTEMPTS ? later(attempt).compose(v -> attemptPatch(key, patch, null, actor,
                  attempt + 1)) : Future.failedFuture(ApiException.conflict("too many concurrent changes; retry"));
            }
          });
    });
  }

  /** A short random pause before retrying a lost compare-and-set, growing with the attempts. */
  private Future<Void> later(int attempt) {
    long delay = 1 + java.util.concurrent.ThreadLocalRandom.current().nextLong(Math.min(attempt, 8) * 2L);
    return vertx.timer(delay, TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Override
  public Future<Mutation> delete(WorkflowKey key, String actor) {
    String rest = rest(WorkflowEvents.rest(key, EventTypes.DELETED, null, null, null, actor, Times.now()));
    return get(key).compose(current -> script("delete", key, rest).compose(r -> {
      if (outcome(r).equals("missing")) {
        return Future.failedFuture(notFound(key));
      }
      return send(Request.cmd(Command.ZREM).arg(RedisKeys.tenantIndex(key.tenant())).arg(key.id()))
          .map(v -> new Mutation(current, new JsonObject(r.get(2).toString())));
    }));
  }

  @Override
  public Future<Mutation> appendEvent(WorkflowKey key, CustomEvent event, String actor) {
    String rest = rest(WorkflowEvents.rest(key, event.type(), event.data(), event.parentId(), event.metadata(),
        actor, Times.now()));
    return script("append", key, event.type(), rest).compose(r -> outcome(r).equals("missing")
        ? Future.failedFuture(notFound(key))
        : Future.succeededFuture(new Mutation(null, new JsonObject(r.get(2).toString()))));
  }

  @Override
  public Future<EventSlice> events(WorkflowKey key, String afterId, int limit) {
    return script("events", key, afterId == null ? "" : afterId, String.valueOf(limit + 1)).compose(r -> {
      if (r.get(0).toInteger() == 0) {
        return Future.failedFuture(notFound(key));
      }
      boolean known = r.get(1).toInteger() == 1;
      Response entries = r.get(2);
      List<JsonObject> events = new ArrayList<>(Math.min(entries.size(), limit));
      for (int i = 0; i < entries.size() && i < limit; i++) {
        Response entry = entries.get(i);
        events.add(new JsonObject(eventJson(entry.get(0).toString(), fields(entry.get(1)).get("b"))));
      }
      return Future.succeededFuture(new EventSlice(events, known, entries.size() > limit));
    });
  }

  @Override
  public Future<List<Mutation>> expire(Instant now) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<Void> expired(WorkflowKey key) {
    String rest = rest(WorkflowEvents.rest(key, EventTypes.EXPIRED, null, null, null, "system", Times.now()));
    return script("expired", key, rest).mapEmpty();
  }

  /** Answers PING within the timeout, for readiness. */
  public Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  /** The JSON of a stored event: the stream entry id in front of the stored body. */
  static String eventJson(String id, String body) {
    return "{\"id\":\"" + id + "\"," + body;
  }

  private Future<Response> script(String name, WorkflowKey key, String... args) {
    List<String> argv = new ArrayList<>(3 + args.length);
    argv.add(String.valueOf(settings.retentionMax()));
    argv.add(RedisKeys.channel(key.tag()));
    argv.add(String.valueOf(settings.streamGraceSeconds()));
    argv.addAll(List.of(args));
    return guard(scripts.run(redis, name, List.of(RedisKeys.state(key), RedisKeys.events(key)), argv));
  }

  private Future<Response> send(Request request) {
    return guard(redis.send(request));
  }

  private Future<List<Response>> send(List<Request> requests) {
    return guard(redis.batch(requests));
  }

  /** Every Redis call is bounded in time; an unreachable Redis is a 503 for the client. */
  private <T> Future<T> guard(Future<T> call) {
    return call.timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS).recover(err -> Future.failedFuture(
        err instanceof ApiException ? err : ApiException.unavailable("Redis is unavailable: " + err.getMessage())));
  }

  private static String outcome(Response r) {
    return r.get(0).toString();
  }

  /** Everything after id, seq and version, as the scripts expect it: {@code ,"workflow_id":...}. */
  private static String rest(JsonObject fields) {
    return "," + fields.encode().substring(1);
  }

  private static Map<String, String> fields(Response flat) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      map.put(flat.get(i).toString(), flat.get(i + 1).toString());
    }
    return map;
  }

  private static Workflow workflow(WorkflowKey key, Response hash) {
    Map<String, String> f = fields(hash);
    int ttl = Integer.parseInt(f.get("ttl"));
    return new Workflow(key, f.get("status"), new JsonObject(f.get("state")), new JsonObject(f.get("metadata")),
        Long.parseLong(f.get("version")), Instant.parse(f.get("created_at")), Instant.parse(f.get("updated_at")),
        Times.now().plusSeconds(ttl), ttl, f.get("last_id"), Long.parseLong(f.get("last_seq")));
  }

  private static ApiException notFound(WorkflowKey key) {
    return ApiException.notFound("workflow '" + key.id() + "' does not exist");
  }

  private static ApiException versionMismatch(long actual, long expected) {
    return ApiException.preconditionFailed("workflow is at version " + actual + ", not " + expected);
  }
}
