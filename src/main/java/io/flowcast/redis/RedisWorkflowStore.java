package io.flowcast.redis;

import io.flowcast.workflow.Actor;
import io.flowcast.workflow.CustomEvent;
import io.flowcast.workflow.EventId;
import io.flowcast.workflow.EventSlice;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.ListCursor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.NewWorkflow;
import io.flowcast.workflow.PatchPlan;
import io.flowcast.workflow.SideData;
import io.flowcast.workflow.StateHook;
import io.flowcast.workflow.StoredFields;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowArchive;
import io.flowcast.workflow.WorkflowEvents;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowPage;
import io.flowcast.workflow.WorkflowStore;
import io.flowcast.bus.ApiException;
import io.flowcast.config.RedisTarget;
import io.flowcast.health.FlowcastMeters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.flowcast.redis.ScriptReply.Outcome;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Workflows in Redis, shared by every instance: a state hash and an event stream per workflow, changed
 * together by one Lua script that also publishes the event and, with persistence on, hands it to the
 * flusher. Changes are computed here (merge patch) from a read and written with a compare-and-set on
 * the version, retried when another writer won. With an archive (PostgreSQL), a workflow that left
 * Redis is read back from it and put back (cache-aside), and older history is served from it.
 */
public final class RedisWorkflowStore implements WorkflowStore {
  private static final int MAX_ATTEMPTS = 16;

  /**
   * Tuning of the store, from config; {@code outboxCapacity} 0 means persistence is off. With
   * {@code waitReplicas} above 0 a change is acknowledged only once that many replicas have it
   * ({@code WAIT}), so a failover to one of them loses nothing acknowledged.
   */
  public record Settings(RedisKeys keys, int retentionMax, int streamGraceSeconds, long timeoutMs, int indexTtlSeconds,
      int outboxCapacity, long outboxCapacityBytes, boolean writeThrough, int waitReplicas) {
    public Settings(RedisKeys keys, int retentionMax, int streamGraceSeconds, long timeoutMs, int indexTtlSeconds,
        int outboxCapacity, long outboxCapacityBytes, boolean writeThrough) {
      this(keys, retentionMax, streamGraceSeconds, timeoutMs, indexTtlSeconds, outboxCapacity, outboxCapacityBytes,
          writeThrough, 0);
    }

    /** The bound of one write-buffer shard: the configured bound shared out over the shards. */
    int shardCapacity() {
      return outboxCapacity == 0 ? 0 : (int) Math.max(1, (outboxCapacity + keys.shards() - 1L) / keys.shards());
    }

    long shardCapacityBytes() {
      return Math.max(1024, (outboxCapacityBytes + keys.shards() - 1) / keys.shards());
    }
  }

  private final Vertx vertx;
  private final RedisCalls calls;
  private final RedisListing listing;
  private final Settings settings;
  private final WorkflowArchive archive;
  private final RedisCacheAside cache;
  private final RecentWorkflows recent = new RecentWorkflows(4096);
  private final RedisKeys keys;
  private final StateHook hook;
  private final Clock clock;

  /**
   * @param target where {@code redis} goes (the masters the scripts' function library is loaded on)
   * @param archive the durable record, or null without persistence
   */
  public RedisWorkflowStore(Vertx vertx, Redis redis, RedisTarget target, Settings settings,
      WorkflowArchive archive, FlowcastMeters meters, StateHook hook, Clock clock) {
    this.vertx = vertx;
    this.hook = hook;
    this.clock = clock;
    this.calls = new RedisCalls(vertx, redis, target, settings, meters);
    this.listing = new RedisListing(calls, clock);
    this.cache = new RedisCacheAside(vertx, calls, archive, settings.indexTtlSeconds(),
        settings.writeThrough() ? 0 : settings.outboxCapacity());
    this.settings = settings;
    this.archive = archive;
    this.keys = settings.keys();
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Future<Mutation> create(WorkflowKey key, NewWorkflow spec, Actor actor) {
    Instant now = Times.now(clock);
    JsonObject data = spec.createdData();
    String rest = rest(WorkflowEvents.rest(key, EventTypes.CREATED, data, null, null, actor.subject(), now));
    // the script gives the workflow its epoch; its fields are the model's (encoded once, here)
    List<String> fields = Workflow.created(key, spec, now, 0).toFields();
    // floor: null before PostgreSQL was asked, else the epoch the new life must exceed ("" when none known)
    Function<String, Future<ScriptReply>> attempt = floor -> calls.run("create", key, actor, ScriptArgs.of()
        .put("floor", floor == null ? "" : floor).put("rest", rest).put("checked", floor != null)
        .putList("workflow", fields));
    return attempt.apply(null).compose(first -> !first.is(Outcome.CHECK) ? Future.succeededFuture(first)
        // Redis does not know the id: it may live on in PostgreSQL. If PostgreSQL cannot say (it is down),
        // the create goes ahead: writes keep being accepted, and a later life of an id wins in PostgreSQL.
        : archive.load(key).recover(err -> WorkflowArchive.isIncomplete(err) ? Future.failedFuture(err)
            : Future.succeededFuture(null)).compose(archived -> archived == null
            ? attempt.apply("")
            : cache.restore(key, archived).compose(restored -> restored == Outcome.GONE
                ? attempt.apply(String.valueOf(archived.epoch())) : Future.failedFuture(exists(key))))).compose(r -> {
      if (!r.is(Outcome.OK)) {
        return Future.failedFuture(r.is(Outcome.EXISTS) ? exists(key) : backlogFull());
      }
      Workflow workflow = Workflow.created(key, spec, now, r.number("epoch")).withEvent(r.string("id"),
          r.number("seq"));
      String index = keys.tenantIndex(key.tenant());
      recent.remember(workflow, size(fields));
      return calls.send(List.of(
              Request.cmd(Command.ZADD).arg(index).arg(now.toEpochMilli()).arg(key.id()),
              Request.cmd(Command.EXPIRE).arg(index).arg(settings.indexTtlSeconds())))
          .map(ok -> new Mutation(workflow, new JsonObject(r.string("json"))));
    });
  }

  @Override
  public Future<Workflow> get(WorkflowKey key) {
    return readOrReload(key).recover(err -> !RedisCalls.isRedisDown(err) || archive == null ? Future.failedFuture(err)
        // while Redis does not answer, reads are served from the durable record (as it was last flushed)
        : archive.load(key).compose(w -> w == null ? Future.failedFuture(notFound(key)) : Future.succeededFuture(w)));
  }

  private Future<Workflow> readOrReload(WorkflowKey key) {
    return read(key).compose(r -> {
      if (r.is(Outcome.OK)) {
        return Future.succeededFuture(workflow(key, r.raw("fields")));
      }
      return cache.reload(key).compose(restored -> restored ? read(key) : Future.succeededFuture(r))
          .compose(again -> !again.is(Outcome.OK) ? Future.failedFuture(notFound(key))
              : Future.succeededFuture(workflow(key, again.raw("fields"))));
    });
  }

  private Future<ScriptReply> read(WorkflowKey key) {
    return calls.run("read", key, null, ScriptArgs.of());
  }

  @Override
  public Future<WorkflowPage> list(String tenant, String status, int limit, String cursor) {
    return withCursor(cursor, after -> archive != null ? archive.list(tenant, status, limit, after)
        : listing.list(tenant, status, limit, after));
  }

  @Override
  public Future<WorkflowPage> listLive(String tenant, String status, int limit, String cursor) {
    return withCursor(cursor, after -> listing.list(tenant, status, limit, after));
  }

  private static Future<WorkflowPage> withCursor(String cursor, Function<ListCursor, Future<WorkflowPage>> list) {
    ListCursor after;
    try {
      after = cursor == null ? null : ListCursor.decode(cursor);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return list.apply(after);
  }

  @Override
  public Future<Mutation> update(WorkflowKey key, Function<Workflow, PatchPlan> planner, Long expectedVersion,
      Actor actor) {
    return attemptPatch(key, planner, expectedVersion, actor, 1);
  }

  /**
   * One attempt of a patch: computed from the workflow this instance saw last when it has one (one round
   * trip), else from a fresh read; a lost compare-and-set reads again.
   */
  private Future<Mutation> attemptPatch(WorkflowKey key, Function<Workflow, PatchPlan> planner, Long expectedVersion,
      Actor actor, int attempt) {
    Workflow known = attempt == 1 ? recent.get(key) : null;
    if (known != null && (expectedVersion == null || expectedVersion == known.version())) {
      PatchPlan plan = planner.apply(known);
      // a patch that changes nothing still reads: the answer names the newest event and the TTL is refreshed;
      // a refusal is only ever of the workflow as read (the copy here may be behind another instance's change)
      if (plan.changed() && plan.refusal() == null) {
        return patchFrom(known, plan, key, planner, expectedVersion, actor, attempt);
      }
    }
    return get(key).compose(current -> patchFrom(current, planner.apply(current), key, planner, expectedVersion,
        actor, attempt));
  }

  private Future<Mutation> patchFrom(Workflow current, PatchPlan plan, WorkflowKey key,
      Function<Workflow, PatchPlan> planner, Long expectedVersion, Actor actor, int attempt) {
    if (expectedVersion != null && expectedVersion != current.version()) {
      return Future.failedFuture(versionMismatch(current.version(), expectedVersion));
    }
    if (plan.refusal() != null) {
      return Future.failedFuture(plan.refusal());
    }
    if (!plan.changed()) {
      return Future.succeededFuture(new Mutation(current, null));
    }
    Instant now = Times.now(clock);
    long version = current.version() + 1;
    String rest = rest(WorkflowEvents.rest(key, plan.eventType(), plan.data(), null, null, actor.subject(), now));
    Workflow changed = current.withChange(plan.status(), plan.state(), plan.metadata(), now);
    // what the change changes; the script reads the rest (created_at, ttl...) from the state hash
    List<String> fields = changed.toFields(Workflow.CHANGED);
    List<String> writes = new ArrayList<>();
    for (SideData.FieldOp op : hook.onStateChange(current.state(), plan.state(), version)) {
      writes.addAll(List.of(op.side().label(), op.field(), op.value()));
    }
    ScriptArgs args = ScriptArgs.of().put("expected_version", current.version()).put("type", plan.eventType())
        .put("rest", rest).put("epoch", current.epoch())
        .put("reason", plan.data() != null && plan.data().getValue("reason") instanceof String r ? r : "")
        .putList("workflow", fields).putList("writes", writes);
    return calls.run("patch", key, actor, args).compose(r -> switch (r.outcome()) {
      case OK -> {
        Workflow after = changed.withEvent(r.string("id"), r.number("seq"));
        recent.remember(after, size(fields));
        yield Future.succeededFuture(new Mutation(after, new JsonObject(r.string("json"))));
      }
      case MISSING -> {
        recent.forget(key);
        yield attempt < MAX_ATTEMPTS ? attemptPatch(key, planner, expectedVersion, actor, attempt + 1)
            : Future.failedFuture(notFound(key));
      }
      case BACKLOG -> Future.failedFuture(backlogFull());
      case STALE -> {
        recent.forget(key);
        long actual = r.number("version");
        if (attempt == 1 && actual == current.version()) {
          // the version matched but not the generation: the id was deleted and created again meanwhile
          yield attemptPatch(key, planner, expectedVersion, actor, attempt + 1);
        }
        if (expectedVersion != null) {
          yield Future.failedFuture(versionMismatch(actual, expectedVersion));
        }
        yield attempt < MAX_ATTEMPTS ? later(attempt).compose(v -> attemptPatch(key, planner, null, actor,
            attempt + 1)) : Future.failedFuture(ApiException.conflict("too many concurrent changes; retry"));
      }
      default -> Future.failedFuture(unexpected("patch", r));
    });
  }

  @Override
  public Future<Mutation> delete(WorkflowKey key, Actor actor) {
    String rest = rest(WorkflowEvents.rest(key, EventTypes.DELETED, null, null, null, actor.subject(), Times.now(clock)));
    recent.forget(key);
    return get(key).compose(current -> calls.run("delete", key, actor, ScriptArgs.of().put("rest", rest))
        .compose(r -> switch (r.outcome()) {
          case OK -> calls.send(Request.cmd(Command.ZREM).arg(keys.tenantIndex(key.tenant())).arg(key.id()))
              .map(v -> new Mutation(current, new JsonObject(r.string("json"))));
          case BACKLOG -> Future.failedFuture(backlogFull());
          default -> Future.failedFuture(notFound(key));
        }));
  }

  @Override
  public Future<Mutation> appendEvent(WorkflowKey key, CustomEvent event, Actor actor) {
    String rest = rest(WorkflowEvents.rest(key, event.type(), event.data(), event.parentId(), event.metadata(),
        actor.subject(), Times.now(clock)));
    return cache.withReload(key, () -> calls.run("append", key, actor, ScriptArgs.of().put("type", event.type())
        .put("rest", rest))).compose(r -> switch (r.outcome()) {
          case OK -> Future.succeededFuture(new Mutation(null, new JsonObject(r.string("json")), r.number("epoch")));
          case BACKLOG -> Future.failedFuture(backlogFull());
          default -> Future.failedFuture(notFound(key));
        });
  }

  @Override
  public Future<EventSlice> events(WorkflowKey key, String afterId, int limit) {
    return eventsFromRedis(key, afterId, limit).recover(err -> !RedisCalls.isRedisDown(err) || archive == null
        ? Future.failedFuture(err) : eventsFromArchive(key, afterId, limit));
  }

  /**
   * While Redis does not answer: the history as far as it was flushed. An id the archive does not hold
   * yet (newer than its last flush: write-behind lags) is not unknown, only not readable now: that fails
   * as Redis being down (retry), since "unknown" makes a stream reset to the archive's older position and
   * send the events after it a second time.
   */
  private Future<EventSlice> eventsFromArchive(WorkflowKey key, String afterId, int limit) {
    return archive.load(key).compose(w -> {
      if (w == null) {
        return Future.failedFuture(notFound(key));
      }
      Future<Long> after = afterId == null ? Future.succeededFuture(0L) : archive.seqOf(key, w.epoch(), afterId);
      return after.compose(seq -> {
        if (seq != null) {
          return archive.eventsAfter(key, w.epoch(), seq, limit + 1).map(events -> slice(events, true, limit));
        }
        return beyondArchive(EventId.parse(afterId), w) ? Future.failedFuture(RedisCalls.redisDown())
            : Future.succeededFuture(new EventSlice(List.of(), false, false));
      });
    });
  }

  /** Whether {@code id} may be an event the archive has not been given yet: of a later life, or later in this one. */
  private static boolean beyondArchive(EventId id, Workflow archived) {
    return id != null && (id.millis() > archived.epoch()
        || id.millis() == archived.epoch() && id.n() > archived.lastSeq());
  }

  private Future<EventSlice> eventsFromRedis(WorkflowKey key, String afterId, int limit) {
    return cache.withReload(key, () -> readEvents(key, afterId, limit + 1)).compose(r -> {
          if (!r.is(Outcome.OK)) {
            return Future.failedFuture(notFound(key));
          }
          List<JsonObject> events = entries(r.raw("entries"));
          boolean known = r.flag("known");
          long lastSeq = r.number("last_seq");
          // from the start, Redis's stream may begin late: trimmed, or put back from the archive after Redis
          // lost the workflow; the archive has the beginning
          boolean startsLate = events.isEmpty() ? lastSeq > 0 : events.get(0).getLong("seq") > 1;
          if (archive == null || (afterId == null ? !startsLate : known)) {
            return Future.succeededFuture(slice(events, known, limit));
          }
          ArchivedHistory history = new ArchivedHistory(archive, key, r.number("epoch"), lastSeq);
          BiFunction<String, Integer, Future<EventSlice>> redisAfter = (after, n) -> n == 0
              ? Future.succeededFuture(new EventSlice(List.of(), true, true))
              : readEvents(key, after, n + 1).map(more -> slice(entries(more.raw("entries")), more.flag("known"), n));
          return afterId == null ? history.fromStart(limit, redisAfter) : history.after(afterId, limit, redisAfter);
        });
  }

  private Future<ScriptReply> readEvents(WorkflowKey key, String after, int limit) {
    return calls.run("events", key, null, ScriptArgs.of().put("after", after == null ? "" : after)
        .put("limit", limit));
  }

  @Override
  public Future<List<Mutation>> expire(Instant now) {
    return Future.succeededFuture(List.of());
  }

  @Override
  public Future<JsonObject> expired(WorkflowKey key) {
    recent.forget(key);
    String rest = rest(WorkflowEvents.rest(key, EventTypes.EXPIRED, null, null, null, "system", Times.now(clock)));
    return calls.run("expired", key, Actor.SYSTEM, ScriptArgs.of().put("rest", rest))
        .map(r -> r.is(Outcome.OK) ? new JsonObject(r.string("json")) : null);
  }

  /** A feature changed the workflow's state (a commit, a rollback): what this instance knows of it is old. */
  void changedElsewhere(WorkflowKey key) {
    recent.forget(key);
  }

  /** The store's Redis calls, for the features kept beside a workflow (drafts, snapshots, actions). */
  RedisCalls calls() {
    return calls;
  }

  StateHook hook() {
    return hook;
  }

  Clock clock() {
    return clock;
  }

  /** A short random pause before retrying a lost compare-and-set, growing with the attempts. */
  private Future<Void> later(int attempt) {
    long delay = 1 + ThreadLocalRandom.current().nextLong(Math.min(attempt, 8) * 2L);
    return vertx.timer(delay, TimeUnit.MILLISECONDS).mapEmpty();
  }

  private static EventSlice slice(List<JsonObject> events, boolean known, int limit) {
    return new EventSlice(events.size() > limit ? events.subList(0, limit) : events, known, events.size() > limit);
  }

  private static List<JsonObject> entries(Response entries) {
    List<JsonObject> events = new ArrayList<>(entries.size());
    for (Response entry : entries) {
      events.add(new JsonObject(eventJson(entry.get(0).toString(), RedisReplies.fields(entry.get(1)).get("b"))));
    }
    return events;
  }

  /** The JSON of a stored event: the stream entry id in front of the stored body. */
  static String eventJson(String id, String body) {
    return "{\"id\":\"" + id + "\"," + body;
  }

  private static IllegalStateException unexpected(String script, ScriptReply r) {
    return new IllegalStateException("script " + script + " answered " + r.outcome());
  }

  /** Everything after id, seq and version, as the scripts expect it: {@code ,"workflow_id":...}. */
  private static String rest(JsonObject fields) {
    return "," + fields.encode().substring(1);
  }

  /** A workflow read with a script that refreshed its TTL: it expires a full TTL from now. */
  private Workflow workflow(WorkflowKey key, Response hash) {
    return workflow(key, hash, Times.now(clock), null);
  }

  static Workflow workflow(WorkflowKey key, Response hash, Instant now, Instant expiresAt) {
    Map<String, String> f = RedisReplies.fields(hash);
    return Workflow.read(key, StoredFields.ofTexts(f), Long.parseLong(f.get("generation")), f.get("last_id"),
        Long.parseLong(f.get("last_seq")), now,
        expiresAt != null ? expiresAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS) : null);
  }

  /** What {@link RecentWorkflows} counts a workflow for: its fields' values as stored (state and metadata, mostly). */
  private static int size(List<String> fields) {
    int size = 0;
    for (int i = 1; i < fields.size(); i += 2) {
      size += fields.get(i).length();
    }
    return size;
  }

  private static ApiException notFound(WorkflowKey key) {
    return ApiException.notFound("workflow '" + key.id() + "' does not exist");
  }

  private static ApiException exists(WorkflowKey key) {
    return ApiException.conflict("workflow '" + key.id() + "' already exists");
  }

  private static ApiException backlogFull() {
    return ApiException.unavailable("the write buffer to PostgreSQL is full; retry shortly");
  }

  private static ApiException versionMismatch(long actual, long expected) {
    return ApiException.preconditionFailed("workflow is at version " + actual + ", not " + expected);
  }
}
