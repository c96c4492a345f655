package io.flowcast.redis;

import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowArchive;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.function.Supplier;

/**
 * Cache-aside for the Redis store: a workflow that left Redis is read from the archive (PostgreSQL) and
 * put back, unless the workflow's mark says the archive is not up to date with it yet (deleted since, or
 * events still in the write buffer).
 */
final class RedisCacheAside {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RedisCacheAside.class);
  private final Vertx vertx;
  private final RedisCalls calls;
  private final WorkflowArchive archive;
  private final int indexTtlSeconds;

  /** @param archive the durable record, or null without persistence (then nothing is ever reloaded) */
  private final long versionGap;

  /**
   * @param versionGap how far a workflow's version jumps when it is read back after Redis lost its data:
   *                   the most versions an unflushed tail can have handed out (the write buffer's capacity
   *                   in write-behind; 0 in write-through, which acknowledges nothing PostgreSQL lacks)
   */
  RedisCacheAside(Vertx vertx, RedisCalls calls, WorkflowArchive archive, int indexTtlSeconds, long versionGap) {
    this.versionGap = versionGap;
    this.vertx = vertx;
    this.calls = calls;
    this.archive = archive;
    this.indexTtlSeconds = indexTtlSeconds;
  }

  boolean enabled() {
    return archive != null;
  }

  WorkflowArchive archive() {
    return archive;
  }

  /** Runs a script; when the workflow is not in Redis but in the archive, puts it back and runs it again. */
  Future<ScriptReply> withReload(WorkflowKey key, Supplier<Future<ScriptReply>> script) {
    return script.get().compose(r -> {
      boolean missing = r.is(ScriptReply.Outcome.MISSING);
      return missing ? reload(key).compose(restored -> restored ? script.get() : Future.succeededFuture(r))
          : Future.succeededFuture(r);
    });
  }

  /** Cache-aside: reads the workflow from the archive and puts it back into Redis; false when it is not there. */
  Future<Boolean> reload(WorkflowKey key) {
    if (archive == null) {
      return Future.succeededFuture(false);
    }
    return archive.load(key).compose(w -> w == null ? unflushed(key) : restore(key, w).compose(
        outcome -> switch (outcome) {
          case GONE -> Future.succeededFuture(false);
          case BEHIND -> {
            vertx.eventBus().send(Addresses.FLUSH_NOW, null);
            yield Future.failedFuture(ApiException.unavailable("recent changes to this workflow are still being "
                + "written to PostgreSQL; retry shortly"));
          }
          default -> Future.succeededFuture(true);
        }));
  }

  /** Not in PostgreSQL: 404, unless the write buffer still holds its life (then PostgreSQL is just behind). */
  private Future<Boolean> unflushed(WorkflowKey key) {
    return calls.send(Request.cmd(Command.HGET).arg(calls.keys().mark(key)).arg("deleted")).compose(deleted -> {
      if (deleted != null && deleted.toString().equals("0")) {
        vertx.eventBus().send(Addresses.FLUSH_NOW, null);
        return Future.failedFuture(ApiException.unavailable("recent changes to this workflow are still being "
            + "written to PostgreSQL; retry shortly"));
      }
      return Future.succeededFuture(false);
    });
  }

  /**
   * Puts an archived workflow back: {@code restored} (or {@code present}), {@code gone} when Redis knows
   * it was deleted since, {@code behind} when Redis knows newer events than the archive has yet.
   */
  Future<ScriptReply.Outcome> restore(WorkflowKey key, Workflow w) {
    return calls.run("restore", key, null, ScriptArgs.of().put("epoch", w.epoch()).put("last_id", w.lastEventId())
        .put("last_seq", w.lastSeq()).put("version_gap", versionGap).putList("workflow", w.toFields())).compose(r -> {
          ScriptReply.Outcome outcome = r.outcome();
          if (outcome != ScriptReply.Outcome.RESTORED) {
            return Future.succeededFuture(outcome);
          }
          if (r.flag("renumbered")) {
            log.warn("{} was read back from PostgreSQL after Redis lost it (no mark of it was left): its events go "
                + "on after seq {} under a new epoch {}, so no id of an unflushed tail is handed out again", key,
                w.lastSeq(), r.string("epoch"));
          }
          return calls.send(List.of(
              Request.cmd(Command.ZADD).arg(calls.keys().tenantIndex(key.tenant())).arg(w.createdAt().toEpochMilli())
                  .arg(key.id()),
              Request.cmd(Command.EXPIRE).arg(calls.keys().tenantIndex(key.tenant())).arg(indexTtlSeconds)))
              .map(outcome);
        });
  }
}
