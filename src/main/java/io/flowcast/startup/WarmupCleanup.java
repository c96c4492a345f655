package io.flowcast.startup;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Removes what a warm-up leaves once its workflows are deleted: their ids in the scratch tenant's listing
 * index in Redis, and their rows in PostgreSQL. The flusher writes those rows some time after the warm-up
 * (write-behind, possibly on another instance), so the rows are deleted in passes, 2, 10, 30 and 120
 * seconds after it; each pass deletes only rows of the scratch tenant whose workflow id starts with this
 * warm-up's own prefix. (The deleted workflows' event streams expire in Redis after
 * {@code redis.stream_grace_seconds}, and the warm-up subjects' rate-limit keys by themselves.)
 */
public final class WarmupCleanup {
  private static final Logger log = LoggerFactory.getLogger(WarmupCleanup.class);
  private static final long[] PASSES_MS = {2_000, 10_000, 30_000, 120_000};
  private static final List<String> TABLES = List.of("workflow_events", "audit_log", "workflow_snapshots",
      "committed_sections");
  private static final long TIMEOUT_MS = 10_000;

  private WarmupCleanup() {
  }

  /**
   * Removes the warm-up's ids from the index now (completes when done; never fails) and schedules the
   * passes over PostgreSQL.
   *
   * @param redis the pooled client, or null on the in-memory backend
   * @param scratchIndex the Redis key of the scratch tenant's listing index
   * @param pg the PostgreSQL pool, or null without persistence
   */
  public static Future<Void> start(Vertx vertx, Redis redis, String scratchIndex, Pool pg, String idPrefix,
      int sessions) {
    if (pg != null) {
      for (long delay : PASSES_MS) {
        vertx.setTimer(delay, id -> deleteRows(pg, idPrefix));
      }
    }
    if (redis == null) {
      return Future.succeededFuture();
    }
    Request zrem = Request.cmd(Command.ZREM).arg(scratchIndex);
    for (int i = 0; i < sessions; i++) {
      zrem.arg(idPrefix + i);
    }
    return redis.send(zrem).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).<Void>mapEmpty()
        .recover(err -> {
          log.warn("warm-up clean-up: cannot remove its ids from the scratch index: {}", err.getMessage());
          return Future.succeededFuture();
        });
  }

  private static void deleteRows(Pool pg, String idPrefix) {
    String like = idPrefix.replace("_", "\\_") + "%";
    Future<Integer> deleted = Future.succeededFuture(0);
    for (String table : TABLES) {
      deleted = deleted.compose(n -> delete(pg, "DELETE FROM " + table + " WHERE tenant = $1 AND workflow_id LIKE $2",
          like).map(m -> n + m));
    }
    deleted.compose(n -> delete(pg, "DELETE FROM workflows WHERE tenant = $1 AND id LIKE $2", like).map(m -> n + m))
        .onSuccess(n -> {
          if (n > 0) {
            log.debug("warm-up clean-up: {} rows deleted from PostgreSQL", n);
          }
        })
        .onFailure(err -> log.warn("warm-up clean-up: cannot delete its rows from PostgreSQL (tenant {}, ids {}*): {}",
            Warmup.TENANT, idPrefix, err.getMessage()));
  }

  private static Future<Integer> delete(Pool pg, String sql, String like) {
    return pg.preparedQuery(sql).execute(Tuple.of(Warmup.TENANT, like)).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(rows -> rows.rowCount());
  }
}
