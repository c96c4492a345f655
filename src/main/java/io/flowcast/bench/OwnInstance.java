package io.flowcast.bench;

import io.vertx.core.Future;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A run on an instance the bench starts itself ({@code bench cold-start}, {@code bench sessions}): its own
 * Redis key prefix ({@code bench-<kind>-<run>:}) and PostgreSQL database ({@code flowcast_bench_<run>},
 * created next to {@code --pg-url}'s and migrated first), rate limits off. Afterwards the instance is
 * stopped with SIGTERM (its flusher drains) and the keys and database are removed, however the run ended.
 */
final class OwnInstance {
  /** The started instance and the URL of the run's database (null without PostgreSQL). */
  record Started(BenchInstance instance, String pgUrl) {
  }

  private OwnInstance() {
  }

  /** Starts the instance (not waiting for {@code /ready}: {@code load} does), runs {@code load}, cleans up. */
  static <T> Future<T> run(BenchContext ctx, String kind, Function<Started, Future<T>> load) {
    BenchOptions o = ctx.options();
    BenchOptions.ColdStart c = o.coldStart();
    String prefix = "bench-" + kind + "-" + ctx.runId() + ":";
    String database = "flowcast_bench_" + ctx.runId();
    Path log = logFile(c, kind);
    AtomicReference<BenchInstance> started = new AtomicReference<>();
    Future<String> pgUrl = o.pgUrl() == null ? Future.succeededFuture()
        : BenchStorage.createDatabase(ctx.vertx(), o.pgUrl(), database);
    return pgUrl.compose(url -> {
      Map<String, String> env = new HashMap<>(c.instanceEnv());
      env.put("FLOWCAST_RATELIMIT_ENABLED", "false");
      env.put("FLOWCAST_INSTANCE_ID", "bench-" + kind + "-" + ctx.runId());
      if (c.redisUrl() != null) {
        env.put("FLOWCAST_REDIS_URL", c.redisUrl());
        env.put("FLOWCAST_REDIS_KEY_PREFIX", prefix);
        env.put("FLOWCAST_REDIS_FALLBACK", "none");
      }
      if (url != null) {
        env.put("FLOWCAST_PG_URL", url);
      }
      BenchInstance instance = BenchInstance.start(c, env, log);
      started.set(instance);
      return load.apply(new Started(instance, url));
    }).eventually(() -> cleanUp(ctx, started.get(), prefix, database));
  }

  private static Path logFile(BenchOptions.ColdStart c, String kind) {
    try {
      return c.serverLog() != null ? Path.of(c.serverLog()) : Files.createTempFile("flowcast-" + kind, ".log");
    } catch (IOException e) {
      throw new BenchException("cannot create the instance's log file: " + e.getMessage());
    }
  }

  /** Stops the instance (SIGTERM: its flusher drains), then removes the run's keys and database. */
  private static Future<Void> cleanUp(BenchContext ctx, BenchInstance instance, String prefix, String database) {
    BenchOptions o = ctx.options();
    Future<?> stopped = instance == null ? Future.succeededFuture() : instance.stop(ctx.vertx());
    return stopped.transform(v -> o.coldStart().redisUrl() == null ? Future.succeededFuture()
            : BenchStorage.deleteKeys(ctx.vertx(), o.coldStart().redisUrl(), prefix))
        .transform(v -> o.pgUrl() == null ? Future.<Void>succeededFuture()
            : BenchStorage.dropDatabase(ctx.vertx(), o.pgUrl(), database))
        .transform(v -> {
          if (v.failed()) {
            System.err.println("bench: cleaning up after the run failed: " + v.cause().getMessage());
          }
          return Future.succeededFuture();
        });
  }
}
