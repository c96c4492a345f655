package io.flowcast;

import io.flowcast.backend.Backend;
import io.flowcast.config.ConfigException;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.config.Urls;
import io.flowcast.health.FlowcastMeters;
import io.flowcast.health.Readiness;
import io.flowcast.memory.MemoryBackend;
import io.flowcast.pg.PgArchive;
import io.flowcast.pg.PgSupport;
import io.flowcast.redis.RedisBackend;
import io.flowcast.redis.RedisClients;
import io.flowcast.redis.RedisKeys;
import io.flowcast.redis.RedisLayout;
import io.flowcast.redis.RedisRefusal;
import io.flowcast.redis.RedisWorkflowStore;
import io.flowcast.workflow.StateHook;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Chooses and connects the backend from config: in memory, or Redis (with the in-memory fallback of
 * {@code redis.fallback}), and PostgreSQL behind it; its factory builds every part of it
 * ({@link Backend}); keeps their health on {@code /ready}.
 */
final class Backends {
  private static final Logger log = LoggerFactory.getLogger(Backends.class);
  private static final long HEALTH_PROBE_MS = 2000;

  private final Vertx vertx;
  private final FlowcastConfig config;
  private final Readiness readiness;
  private final FlowcastMeters meters;
  private final StateHook hook;
  private final Clock clock;
  private Redis redis;
  private Pool pg;
  private long healthTimer = -1;
  private long pgTimer = -1;

  /** @param hook what features record beside a workflow with each change of its state */
  Backends(Vertx vertx, FlowcastConfig config, Readiness readiness, FlowcastMeters meters, StateHook hook,
      Clock clock) {
    this.hook = hook;
    this.clock = clock;
    this.vertx = vertx;
    this.config = config;
    this.readiness = readiness;
    this.meters = meters;
  }

  /** The pooled Redis client, or null on the in-memory backend. */
  Redis redis() {
    return redis;
  }

  /** The PostgreSQL pool, or null without persistence. */
  Pool pg() {
    return pg;
  }

  Future<Backend> choose() {
    if (config.persistence() && !config.redis().configured()) {
      readiness.degraded("persistence", "pg.url is set but persistence needs the Redis backend (redis.url): "
          + "PostgreSQL is not used");
    }
    return chooseBackend();
  }

  private Future<Backend> chooseBackend() {
    if (!config.redis().configured()) {
      return Future.succeededFuture(memory("no Redis configured: in-memory backend, a single instance; "
          + "state is lost on restart"));
    }
    String where = config.redis().redacted();
    redis = RedisClients.pooled(vertx, config.redis(), config.redisPoolSize(), (int) config.redisTimeoutMs());
    return redis.send(Request.cmd(Command.PING)).timeout(config.redisTimeoutMs(), TimeUnit.MILLISECONDS)
        .compose(pong -> RedisLayout.check(redis, keys(), config.redisTimeoutMs()))
        .compose(checked -> openRedisPool())
        .compose(checked -> redisBackend(where))
        .recover(err -> {
          ConfigException refused = err instanceof ConfigException bad ? bad : RedisRefusal.of(err, config.redis());
          if (refused != null) {
            // a wrong password or an untrusted certificate is not cured by waiting, nor hidden by a fallback
            redis.close();
            redis = null;
            return Future.failedFuture(refused);
          }
          if (config.redisFallback().equals("memory")) {
            log.warn("Redis at {} is unreachable ({}); redis.fallback=memory, so this instance runs on the "
                + "in-memory backend", where, err.getMessage());
            redis.close();
            redis = null;
            return Future.succeededFuture(memory("Redis at " + where + " was unreachable at start "
                + "(redis.fallback=memory): in-memory backend, a single instance"));
          }
          log.error("Redis at {} is unreachable ({}); redis.fallback=none, so this instance is not ready until "
              + "Redis answers", where, err.getMessage());
          return redisBackend(where);
        });
  }

  /**
   * Opens the pooled connections now (one PING on each, all at once), so the first requests do not pay
   * for connecting; never fails (a connection that could not open is opened again on demand).
   */
  private Future<Void> openRedisPool() {
    List<Future<?>> pings = new ArrayList<>();
    for (int i = 0; i < config.redisPoolSize(); i++) {
      pings.add(redis.send(Request.cmd(Command.PING)).timeout(config.redisTimeoutMs(), TimeUnit.MILLISECONDS));
    }
    return Future.join(pings).<Void>mapEmpty().otherwiseEmpty();
  }

  /** The same for PostgreSQL, once the schema is migrated: every connection of the pool, opened at once. */
  private Future<Void> openPgPool() {
    List<Future<?>> queries = new ArrayList<>();
    for (int i = 0; i < config.pgPoolSize(); i++) {
      queries.add(pg.getConnection().compose(connection -> connection.query("SELECT 1").execute()
          .eventually(connection::close)).timeout(config.pgTimeoutMs(), TimeUnit.MILLISECONDS));
    }
    return Future.join(queries).<Void>mapEmpty().otherwiseEmpty();
  }

  private RedisKeys keys() {
    return new RedisKeys(config.redisKeyPrefix(), config.redisShards());
  }

  private Backend memory(String why) {
    readiness.fact("backend", "memory").fact("transport", "local");
    readiness.degraded("backend", why);
    return MemoryBackend.create(config.eventsRetentionMax(), hook, clock);
  }

  private Future<Backend> redisBackend(String where) {
    readiness.fact("backend", "redis").fact("transport", "redis").fact("redis", where);
    boolean persistence = config.persistence();
    PgArchive archive = null;
    if (persistence) {
      pg = PgSupport.pool(vertx, config.pgUrl(), config.pgPoolSize());
      archive = new PgArchive(pg, config.pgTimeoutMs(), clock);
      readiness.fact("persistence", config.persistenceMode()).fact("postgresql", Urls.withoutPasswords(config.pgUrl()));
    }
    RedisWorkflowStore.Settings settings = new RedisWorkflowStore.Settings(keys(), config.eventsRetentionMax(),
        config.redisStreamGraceSeconds(), config.redisTimeoutMs(), config.redisIndexTtlSeconds(),
        persistence ? config.flushBacklogMax() : 0, config.flushBacklogMaxBytes(),
        config.persistenceMode().equals("write-through"), config.redisWaitReplicas());
    Backend backend = RedisBackend.create(vertx, new RedisBackend.Connections(redis, config.redis()), settings,
        archive, hook, clock, meters, readiness);
    readiness.down("redis", "not checked yet");
    probeRedis();
    healthTimer = vertx.setPeriodic(HEALTH_PROBE_MS, id -> probeRedis());
    Future<Void> inspected = RedisPersistence.inspect(redis, config.redisTimeoutMs(), config.persistenceMode(),
        persistence, readiness);
    return inspected.compose(v -> persistence ? migrate().map(backend) : Future.succeededFuture(backend));
  }

  /**
   * Brings the schema up to date, retrying until it succeeds; the instance is not ready until then (in
   * either mode). Later outages are {@link #markPg}'s.
   */
  private Future<Void> migrate() {
    boolean required = config.persistenceMode().equals("write-through");
    readiness.down("postgresql", "schema not migrated yet");
    return PgSupport.migrate(vertx, config.pgUrl())
        .compose(v -> openPgPool())
        .onSuccess(v -> {
          readiness.up("postgresql", "schema migrated");
          pgTimer = vertx.setPeriodic(HEALTH_PROBE_MS, id -> probePg(required));
        })
        .recover(err -> {
          log.error("PostgreSQL migration failed ({}); retrying every {} ms", err.getMessage(), HEALTH_PROBE_MS);
          // not ready until the schema has been migrated once, in either mode: a pg.url that never worked
          // (a misspelled database, say) must not look ready while the buffer fills with what it cannot flush;
          // an outage after that is what write-behind rides out (markPg)
          readiness.down("postgresql", "schema not migrated, PostgreSQL unreachable or refusing since the start: "
              + err.getMessage());
          vertx.setTimer(HEALTH_PROBE_MS, id -> migrate());
          return Future.succeededFuture();
        });
  }

  private void probePg(boolean required) {
    pg.query("SELECT 1").execute().timeout(config.pgTimeoutMs(), TimeUnit.MILLISECONDS)
        .onSuccess(r -> markPg(required, true, "SELECT 1 answered"))
        .onFailure(err -> markPg(required, false, err.getMessage()));
  }

  /**
   * PostgreSQL down makes the instance not ready, with the reason, in both modes; in write-behind the
   * instance still takes writes into the buffer. {@code persistence.ready_while_pg_down} keeps it ready
   * (the outage listed under degraded) for balancers that take unready instances out of rotation: one
   * PostgreSQL outage would otherwise take out every instance at once, which is what the buffer is for.
   */
  private void markPg(boolean required, boolean up, String detail) {
    if (up) {
      readiness.up("postgresql", detail);
      readiness.recovered("postgresql");
    } else if (required) {
      readiness.down("postgresql", "unreachable; writes answer 503 (write-through): " + detail);
    } else {
      String buffering = "unreachable; changes wait in the write buffer (see flush): " + detail;
      if (config.persistenceReadyWhilePgDown()) {
        readiness.up("postgresql", buffering);
      } else {
        readiness.down("postgresql", buffering);
      }
      readiness.degraded("postgresql", "PostgreSQL is unreachable; changes wait in the write buffer (see flush)");
    }
  }

  private void probeRedis() {
    redis.send(Request.cmd(Command.PING)).timeout(config.redisTimeoutMs(), TimeUnit.MILLISECONDS)
        .onSuccess(v -> readiness.up("redis", "PING answered"))
        .onFailure(err -> readiness.down("redis", err.getMessage()));
  }

  Future<Void> close() {
    vertx.cancelTimer(healthTimer);
    vertx.cancelTimer(pgTimer);
    return (pg == null ? Future.<Void>succeededFuture() : pg.close())
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.close());
  }
}
