package io.flowcast.redis;

import io.flowcast.workflow.Actor;
import io.flowcast.workflow.IdempotencyClaim;
import io.flowcast.workflow.IdempotencyRecords;
import io.flowcast.workflow.Lifecycle;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.bus.ApiException;
import io.flowcast.health.FlowcastMeters;
import io.micrometer.core.instrument.Timer;
import io.flowcast.config.RedisTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Redis calls of the workflow store, each bounded by the configured timeout (an unreachable Redis is a
 * 503 for the client), and the script arguments every workflow script shares (see {@code _lib.lua}).
 */
public final class RedisCalls {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RedisCalls.class);
  private final Redis redis;
  private final RedisScripts scripts;
  private final RedisWorkflowStore.Settings settings;
  private final RedisKeys keys;
  private final FlowcastMeters meters;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  /** @param target where {@code redis} goes: the workflow scripts' function library is loaded on its masters */
  RedisCalls(Vertx vertx, Redis redis, RedisTarget target,
      RedisWorkflowStore.Settings settings, FlowcastMeters meters) {
    this.redis = redis;
    this.scripts = new RedisScripts(functions(RedisFunctions.everyMaster(vertx, redis, target, settings.timeoutMs())));
    this.settings = settings;
    this.keys = settings.keys();
    this.meters = meters;
  }

  /**
   * Runs a workflow script ({@code lua/<name>.lua} after {@code _lib.lua}) with the workflow's keys and
   * the shared arguments, its own arguments by name, and reads its reply by name.
   */
  public Future<ScriptReply> run(String name, WorkflowKey key, Actor actor, ScriptArgs args) {
    List<String> own;
    try {
      own = args.inOrder(name, scripts.argNames(name));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return script(name, key, actor, List.of(), own.toArray(String[]::new)).compose(r -> {
      ScriptReply reply = ScriptReply.of(name, r);
      if (reply.is(ScriptReply.Outcome.TERMINAL)) {
        return Future.failedFuture(Lifecycle.closed(key.id(), reply.string("status"), reply.string("reason")));
      }
      return reply.is(ScriptReply.Outcome.UNCLAIMED) ? Future.failedFuture(IdempotencyRecords.unclaimed()) : Future.succeededFuture(reply);
    });
  }



  /**
   * Runs a workflow script that also takes {@code extra} keys of the workflow's slot, after its usual keys
   * (the script reads them from the end of KEYS); never with an Idempotency-Key claim, which is the last key.
   */
  public Future<ScriptReply> run(String name, WorkflowKey key, Actor actor, List<String> extra, ScriptArgs args) {
    if (actor != null && actor.claim() != null) {
      return Future.failedFuture(new IllegalArgumentException("a script with extra keys takes no claim"));
    }
    List<String> own;
    try {
      own = args.inOrder(name, scripts.argNames(name));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return script(name, key, actor, extra, own.toArray(String[]::new)).map(r -> ScriptReply.of(name, r));
  }

  private Future<Response> script(String name, WorkflowKey key, Actor actor, List<String> extra, String... args) {
    List<String> names = new ArrayList<>(List.of(keys.state(key), keys.events(key), keys.mark(key)));
    names.addAll(keys.sideKeys(key));
    if (settings.outboxCapacity() > 0) {
      int shard = keys.shard(key.tag());
      names.add(keys.outbox(shard));
      names.add(keys.outboxBytes(shard));
    }
    names.addAll(extra);
    // the request's Idempotency-Key record joins the step when it lies beside this workflow (one slot)
    IdempotencyClaim claim = actor == null ? null : actor.claim();
    boolean claimed = claim != null && claim.workflowTag().equals(key.tag());
    if (claimed) {
      names.add(claim.record());
    }
    List<String> argv = new ArrayList<>(5 + args.length);
    argv.add(String.valueOf(settings.retentionMax()));
    argv.add(keys.channel(key.tag()));
    argv.add(String.valueOf(settings.streamGraceSeconds()));
    argv.add(actor == null || actor.requestId() == null ? "" : actor.requestId());
    argv.add(String.valueOf(settings.shardCapacity()));
    argv.add(String.valueOf(settings.indexTtlSeconds()));
    argv.add(String.valueOf(settings.shardCapacityBytes()));
    argv.add(claimed ? claim.owner() : "");
    argv.addAll(List.of(args));
    if (settings.waitReplicas() > 0 && !READS.contains(name)) {
      return guard(name, scripts.runReplicated(redis, name, names, argv, settings.waitReplicas(),
          settings.timeoutMs() / 2));
    }
    return guard(name, scripts.run(redis, name, names, argv));
  }

  /** The workflow scripts' function library, loaded by {@code loader}. */
  static RedisFunctions functions(RedisFunctions.Loader loader) {
    return new RedisFunctions(RedisScripts.WORKFLOW, READS, loader);
  }

  /**
   * Scripts that change nothing a client was told about (they refresh TTLs): no {@code WAIT}, so reads
   * go on while a master that lost its replica has none to wait for.
   */
  private static final java.util.Set<String> READS = java.util.Set.of("read", "events", "action_read",
      "interrupt_read", "output_list");

  private static final String REDIS_DOWN = "Redis is unavailable";

  static ApiException redisDown() {
    return ApiException.unavailable(REDIS_DOWN);
  }

  /** True when a call failed because Redis did not answer (not for a refusal of the call itself). */
  static boolean isRedisDown(Throwable err) {
    return err instanceof ApiException api && api.status() == 503 && REDIS_DOWN.equals(api.getMessage());
  }

  /** The names of this deployment's keys. */
  public RedisKeys keys() {
    return keys;
  }

  public Future<Response> send(Request request) {
    return guard(request.command().toString().toLowerCase(java.util.Locale.ROOT), redis.send(request));
  }

  public Future<List<Response>> send(List<Request> requests) {
    return guard("pipeline", redis.batch(requests));
  }

  private <T> Future<T> guard(String operation, Future<T> call) {
    long started = System.nanoTime();
    Timer timer = timers.computeIfAbsent(operation, meters::redis);
    return call.onComplete(ar -> timer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
        .timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS).recover(err -> {
          if (err instanceof ApiException) {
            return Future.failedFuture(err);
          }
          if (err instanceof RedisScripts.NotReplicated) {
            log.warn("Redis call {} not acknowledged: {}", operation, err.getMessage());
            return Future.failedFuture(ApiException.unavailable("the change reached Redis but not its replicas ("
                + err.getMessage() + "); it may or may not persist: retry with If-Match"));
          }
          log.warn("Redis call {} failed: {}", operation, err.getMessage());
          return Future.failedFuture(redisDown());
        });
  }
}
