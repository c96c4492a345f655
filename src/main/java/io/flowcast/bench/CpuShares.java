package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench sessions}: the processes whose CPU makes an edit, by part: Flowcast (the instance, or
 * {@code --server-pid}'s first), Redis (the {@code redis-server} that answers at the instance's Redis URL,
 * from its {@code INFO}, or {@code --server-pid}'s second: the whole server, so other users of it count
 * too) and PostgreSQL (the backends connected to the run's database, from {@code pg_stat_activity}: the
 * flusher's connections, not the server's background writers). Then the measured window's CPU split by part, per edit.
 */
final class CpuShares {
  private static final long TIMEOUT_MS = 5_000;

  private CpuShares() {
  }

  /**
   * The pids of each part: {@code given} names Flowcast's and then, optionally, Redis's ({@code --server-pid});
   * Redis's is otherwise asked from {@code redisUrl}. A part that cannot be found is left out.
   */
  static Future<Map<String, List<Long>>> find(Vertx vertx, List<Long> given, String redisUrl, String pgUrl) {
    Map<String, List<Long>> parts = new LinkedHashMap<>();
    if (!given.isEmpty()) {
      parts.put("flowcast", List.of(given.get(0)));
    }
    if (given.size() > 1) {
      parts.put("redis", given.subList(1, given.size()));
    }
    Future<Void> redis = redisUrl == null ? Future.succeededFuture() : redisPid(vertx, redisUrl)
        .onSuccess(pid -> parts.put("redis", List.of(pid))).<Void>mapEmpty().otherwiseEmpty();
    return redis.compose(v -> pgUrl == null ? Future.succeededFuture() : backends(vertx, pgUrl)
            .onSuccess(pids -> parts.put("postgresql", pids)).<Void>mapEmpty().otherwiseEmpty())
        .map(v -> parts);
  }

  private static Future<Long> redisPid(Vertx vertx, String redisUrl) {
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl));
    return redis.send(Request.cmd(Command.INFO).arg("server")).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(info -> {
          for (String line : info.toString().split("\r?\n")) {
            if (line.startsWith("process_id:")) {
              return Long.parseLong(line.substring("process_id:".length()).trim());
            }
          }
          throw new BenchException("no process_id in INFO server");
        })
        .eventually(redis::close);
  }

  private static Future<List<Long>> backends(Vertx vertx, String pgUrl) {
    var pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(pgUrl)).using(vertx).build();
    return pool.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            + "AND pid <> pg_backend_pid()").execute().timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(rows -> {
          List<Long> pids = new ArrayList<>();
          rows.forEach(row -> pids.add(row.getLong("pid")));
          return pids;
        })
        .eventually(pool::close);
  }

  /** Every pid of every part, in order (what the sampler watches). */
  static List<Long> pids(Map<String, List<Long>> parts) {
    List<Long> all = new ArrayList<>();
    parts.values().forEach(all::addAll);
    return all;
  }

  /**
   * The window's CPU ({@link CpuSampler}'s figures for {@link #pids}) by part, bench and others, in % of
   * one core and in µs per edit at {@code editsPerSecond}; empty when {@code /proc} was unreadable.
   */
  static JsonObject split(JsonObject cpu, Map<String, List<Long>> parts, double editsPerSecond) {
    JsonObject perServer = cpu.getJsonObject("per_server_pct");
    if (perServer == null) {
      return new JsonObject();
    }
    Map<String, Double> pct = new LinkedHashMap<>();
    parts.forEach((part, pids) -> pct.put(part, pids.stream()
        .mapToDouble(pid -> perServer.getDouble(String.valueOf(pid), 0.0)).sum()));
    pct.put("bench", cpu.getDouble("bench_client_pct"));
    pct.put("others", cpu.getDouble("other_processes_pct"));
    JsonObject share = new JsonObject();
    JsonObject perEdit = new JsonObject();
    pct.forEach((part, p) -> {
      share.put(part, Math.round(p * 10) / 10.0);
      perEdit.put(part, editsPerSecond <= 0 ? null : Math.round(p / 100 * 1e6 / editsPerSecond * 10) / 10.0);
    });
    return new JsonObject().put("pct", share).put("us_per_edit", perEdit)
        .put("postgresql_backends", parts.getOrDefault("postgresql", List.of()).size());
  }

  /** The summary line: each part's µs per edit and share of a core. */
  static String line(JsonObject split) {
    if (split.isEmpty()) {
      return "(/proc unreadable)";
    }
    StringBuilder text = new StringBuilder();
    split.getJsonObject("pct").forEach(e -> text.append(String.format(Locale.ROOT, "%s %s us (%s%%)  ", e.getKey(),
        split.getJsonObject("us_per_edit").getValue(e.getKey()), e.getValue())));
    return text.toString().trim();
  }
}
