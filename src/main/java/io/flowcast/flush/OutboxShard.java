package io.flowcast.flush;

import io.flowcast.redis.RedisKeys;
import io.flowcast.redis.RedisReplies;
import io.flowcast.redis.RedisScripts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One shard of the write buffer, {@code flowcast:outbox:{s<n>}} with its byte count, as one flusher reads
 * it: through the shard's consumer group, every call to the node that owns the shard's slot. The flusher
 * keeps one per shard and reads them all each cycle.
 */
final class OutboxShard {
  private static final Logger log = LoggerFactory.getLogger(OutboxShard.class);
  private static final RedisScripts ACK = RedisScripts.standalone(List.of("flush_ack"));

  /** The shard's backlog: entries, and the time of the oldest (epoch ms, 0 when empty). */
  record Backlog(long entries, long oldestMillis) {
  }

  private final Redis redis;
  private final FlushVerticle.Settings settings;
  private final String outbox;
  private final String bytes;
  private long lastClaim;
  private String claimCursor = "0-0";
  /** Entries read and not acknowledged may be pending: at start, and after a cycle failed. */
  private boolean maybePending = true;

  OutboxShard(Redis redis, FlushVerticle.Settings settings, int shard) {
    this.redis = redis;
    this.settings = settings;
    this.outbox = settings.keys().outbox(shard);
    this.bytes = settings.keys().outboxBytes(shard);
  }

  String key() {
    return outbox;
  }

  /** Creates the consumer group (and the stream) unless it exists; also after Redis lost it. */
  Future<Void> joinGroup() {
    return call(Request.cmd(Command.XGROUP).arg("CREATE").arg(outbox).arg(RedisKeys.OUTBOX_GROUP).arg("0")
        .arg("MKSTREAM")).<Void>mapEmpty()
        .recover(err -> FlushVerticle.redisError(err).startsWith("BUSYGROUP")
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /**
   * The next batch: this flusher's unacknowledged entries first, then (every half claim period, so it is
   * not starved by a steady load) idle ones of a flusher that died, then new ones.
   */
  Future<List<OutboxRecord>> next() {
    Future<List<OutboxRecord>> pending = maybePending ? read("0") : Future.succeededFuture(List.of());
    return pending.compose(records -> records.isEmpty() ? claimIdle() : Future.succeededFuture(records))
        .compose(records -> records.isEmpty() ? read(">") : Future.succeededFuture(records))
        .onSuccess(records -> maybePending = !records.isEmpty())
        .onFailure(err -> maybePending = true);
  }

  /** A batch read from this shard was not flushed: read it again next time. */
  void failed() {
    maybePending = true;
  }

  private Future<List<OutboxRecord>> read(String from) {
    return call(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(RedisKeys.OUTBOX_GROUP).arg(settings.consumer())
        .arg("COUNT").arg(settings.batchSize()).arg("STREAMS").arg(outbox).arg(from))
        .map(r -> r == null || r.size() == 0 ? List.<OutboxRecord>of() : records(r.get(0).get(1)))
        .recover(err -> FlushVerticle.redisError(err).startsWith("NOGROUP")
            ? joinGroup().map(List.of()) : Future.failedFuture(err));
  }

  /** Takes over entries another flusher read but did not acknowledge for a while (it died). */
  private Future<List<OutboxRecord>> claimIdle() {
    long now = System.currentTimeMillis();
    if (now - lastClaim < settings.claimIdleMs() / 2) {
      return Future.succeededFuture(List.of());
    }
    lastClaim = now;
    return call(Request.cmd(Command.XAUTOCLAIM).arg(outbox).arg(RedisKeys.OUTBOX_GROUP).arg(settings.consumer())
        .arg(settings.claimIdleMs()).arg(claimCursor).arg("COUNT").arg(settings.batchSize()))
        .map(r -> {
          claimCursor = r.get(0).toString(); // where the next scan of idle entries goes on ("0-0": from the start)
          List<OutboxRecord> claimed = records(r.get(1));
          if (!claimed.isEmpty()) {
            log.info("flusher {} took over {} entries of {} from a flusher that stopped answering",
                settings.consumer(), claimed.size(), outbox);
          }
          return claimed;
        })
        .recover(err -> FlushVerticle.redisError(err).startsWith("NOGROUP")
            ? joinGroup().map(List.of()) : Future.failedFuture(err));
  }

  /** Out of the pending list and the stream, and their bytes off the shard's count, in one step. */
  Future<Void> acknowledge(List<OutboxRecord> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> args = new ArrayList<>(records.size() + 2);
    args.add(RedisKeys.OUTBOX_GROUP);
    args.add(String.valueOf(records.stream().mapToLong(OutboxRecord::bytes).sum()));
    records.forEach(r -> args.add(r.entryId()));
    return ACK.run(redis, "flush_ack", List.of(outbox, bytes), args)
        .timeout(settings.redisTimeoutMs(), TimeUnit.MILLISECONDS).<Void>mapEmpty()
        .onSuccess(v -> maybePending = false);
  }

  /** The shard's length and its oldest entry's time, in one round trip to its node. */
  Future<Backlog> backlog() {
    return redis.batch(List.of(Request.cmd(Command.XLEN).arg(outbox),
            Request.cmd(Command.XRANGE).arg(outbox).arg("-").arg("+").arg("COUNT").arg(1)))
        .timeout(settings.redisTimeoutMs(), TimeUnit.MILLISECONDS)
        .map(r -> new Backlog(r.get(0).toLong(), r.get(1).size() == 0 ? 0
            : Long.parseLong(r.get(1).get(0).get(0).toString().split("-")[0])));
  }

  /** Entries of an XREADGROUP/XAUTOCLAIM answer; an entry deleted meanwhile has no fields. */
  private static List<OutboxRecord> records(Response entries) {
    List<OutboxRecord> records = new ArrayList<>();
    if (entries == null) {
      return records;
    }
    for (Response entry : entries) {
      String id = entry.get(0).toString();
      Response fields = entry.size() > 1 ? entry.get(1) : null;
      OutboxRecord record;
      Map<String, String> values = fields == null ? Map.of() : RedisReplies.fields(fields);
      try {
        record = fields == null ? null : OutboxRecord.fromEntry(id, values);
      } catch (RuntimeException malformed) {
        // kept for an operator (see FlushVerticle.setAsideMalformed), never retried forever
        record = OutboxRecord.unusable(id, new JsonObject().put("fields", fields.toString()), OutboxRecord.bytes(values));
      }
      records.add(record != null ? record : OutboxRecord.unusable(id, null, 0));
    }
    return records;
  }

  private Future<Response> call(Request request) {
    return FlushVerticle.call(redis, settings, request);
  }
}
