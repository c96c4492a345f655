package io.flowcast;

import io.flowcast.health.Readiness;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads what Redis keeps across a restart ({@code appendonly}, {@code appendfsync}, {@code save},
 * {@code maxmemory-policy}) and says on {@code /ready} and in the log what a restart or a failover of it
 * would lose, and warns where that is something Flowcast acknowledged and PostgreSQL does not have yet.
 */
final class RedisPersistence {
  private static final Logger log = LoggerFactory.getLogger(RedisPersistence.class);
  private static final List<String> SETTINGS = List.of("appendonly", "appendfsync", "save", "maxmemory-policy");

  /** The settings read, and in words what a restart of Redis loses with them. */
  record Settings(String appendonly, String appendfsync, String save, String evictionPolicy) {
    String restartLoses() {
      if (appendonly.equals("yes")) {
        return switch (appendfsync) {
          case "always" -> "nothing it acknowledged";
          case "everysec" -> "up to about one second of what it acknowledged (on a crash of its host)";
          default -> "what the operating system had not yet written to disk (appendfsync no: up to about 30 s)";
        };
      }
      return save.isBlank() ? "everything it holds (no append-only file, no snapshots)"
          : "every change since its last snapshot (no append-only file; save " + save + ")";
    }

    boolean durable() {
      return appendonly.equals("yes") && !appendfsync.equals("no");
    }

    boolean evicts() {
      return !evictionPolicy.equals("noeviction");
    }

    JsonObject toJson() {
      return new JsonObject().put("appendonly", appendonly).put("appendfsync", appendfsync).put("save", save)
          .put("maxmemory_policy", evictionPolicy).put("restart_loses", restartLoses());
    }
  }

  private RedisPersistence() {
  }

  /** Reads the settings and reports them; never fails (a managed Redis may refuse CONFIG). */
  static Future<Void> inspect(Redis redis, long timeoutMs, String persistenceMode, boolean postgres,
      Readiness readiness) {
    return redis.batch(SETTINGS.stream().map(s -> Request.cmd(Command.CONFIG).arg("GET").arg(s)).toList())
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(replies -> new Settings(value(replies.get(0)), value(replies.get(1)), value(replies.get(2)),
            value(replies.get(3))))
        .onSuccess(settings -> report(settings, persistenceMode, postgres, readiness))
        .onFailure(err -> {
          readiness.fact("redis_persistence", new JsonObject().put("unknown", "CONFIG GET refused: " + err.getMessage()));
          readiness.degraded("redis-persistence", "cannot tell what a restart of Redis loses (CONFIG GET refused); "
              + "see docs/PERSISTENCE.md for the settings Flowcast needs");
          log.warn("cannot read Redis's persistence settings ({}); see docs/PERSISTENCE.md", err.getMessage());
        })
        .<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  static void report(Settings settings, String persistenceMode, boolean postgres, Readiness readiness) {
    readiness.fact("redis_persistence", settings.toJson());
    String warning = null;
    if (!postgres && !settings.durable()) {
      warning = "Redis is the only copy of every workflow and a restart of it loses " + settings.restartLoses()
          + ": run it with appendonly yes, or configure PostgreSQL (pg.url)";
    } else if (postgres && persistenceMode.equals("write-behind") && !settings.durable()) {
      warning = "write-behind acknowledges changes PostgreSQL gets later from the write buffer in Redis, and a "
          + "restart of Redis loses " + settings.restartLoses() + ": run it with appendonly yes (appendfsync "
          + "always loses nothing, everysec about a second), or persistence.mode=write-through";
    }
    if (settings.evicts()) {
      String eviction = "Redis may evict keys (maxmemory-policy " + settings.evictionPolicy() + "): workflows"
          + (postgres ? " and the write buffer" : "") + " can disappear; use noeviction";
      warning = warning == null ? eviction : warning + "; " + eviction;
    }
    if (warning == null) {
      readiness.recovered("redis-persistence");
      log.info("Redis persistence: appendonly {}, appendfsync {}; a restart loses {}", settings.appendonly(),
          settings.appendfsync(), settings.restartLoses());
    } else {
      readiness.degraded("redis-persistence", warning);
      log.warn(warning);
    }
  }

  private static String value(Response reply) {
    if (reply == null || reply.size() < 2) {
      return "";
    }
    return reply.get(1).toString();
  }
}
