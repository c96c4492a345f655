package io.flowcast.flush;

import io.flowcast.bus.Addresses;
import io.flowcast.health.FlowcastMeters;
import io.flowcast.health.Readiness;
import io.flowcast.redis.RedisKeys;
import io.flowcast.redis.RedisWorkflowStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drains the write buffer (one Redis stream per shard, see {@link OutboxShard}) into PostgreSQL. Every
 * instance runs one, all in one consumer group per shard, so each entry goes to one flusher; entries a flusher read but did not acknowledge (it
 * was killed) are claimed by another once idle. A batch is acknowledged and removed only after
 * PostgreSQL committed it; writing it again changes nothing.
 */
public final class FlushVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(FlushVerticle.class);
  /** How old the backlog figures may get while no cycle ends (a cycle waiting on PostgreSQL, a long interval). */
  private static final long STATS_MS = 1000;

  /** Tuning, from config. */
  public record Settings(String consumer, long intervalMs, int batchSize, long claimIdleMs, long drainTimeoutMs,
      long redisTimeoutMs, RedisKeys keys) {
  }

  private final Settings settings;
  private final Redis redis;
  private final PgWriter writer;
  private final Readiness readiness;
  private final FlowcastMeters meters;
  private final FlushStats stats = new FlushStats();
  private boolean running;
  private boolean again;
  private long timer = -1;
  private long statsTimer = -1;
  private boolean refreshing;
  private long refreshedAt;
  private final List<OutboxShard> shards = new ArrayList<>();

  public FlushVerticle(Settings settings, Redis redis, PgWriter writer, Readiness readiness, FlowcastMeters meters) {
    this.settings = settings;
    this.redis = redis;
    this.writer = writer;
    this.readiness = readiness;
    this.meters = meters;
    for (int shard = 0; shard < settings.keys().shards(); shard++) {
      shards.add(new OutboxShard(redis, settings, shard));
    }
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().consumer(Addresses.FLUSH_NOW, m -> flush());
    vertx.eventBus().<JsonObject>consumer(Addresses.FLUSH_WRITE, m -> {
      List<OutboxRecord> records = new ArrayList<>();
      m.body().getJsonArray("records").forEach(r -> records.add(OutboxRecord.fromJson((JsonObject) r)));
      writer.write(records).onSuccess(v -> m.reply(new JsonObject()))
          .onFailure(err -> {
            log.warn("write-through failed: {}", err.getMessage());
            m.fail(503, "PostgreSQL did not confirm the write");
          });
    });
    timer = vertx.setPeriodic(settings.intervalMs(), id -> flush());
    // the figures operators watch must not freeze while no cycle ends: with a long interval a timer of
    // its own reads them; a cycle that waits on PostgreSQL is covered by the flush ticks (see flush())
    refreshedAt = System.nanoTime() - STATS_MS * 1_000_000;
    if (settings.intervalMs() > STATS_MS) {
      statsTimer = vertx.setPeriodic(STATS_MS, id -> refreshStatsIfStale());
    }
    readiness.fact("flush", stats.toJson());
    return joinGroup().recover(err -> {
      log.warn("cannot create the flush consumer group yet ({}); retrying on each cycle", err.getMessage());
      return Future.succeededFuture();
    });
  }

  /** Creates every shard's consumer group (and stream) unless it exists; also after Redis lost it. */
  private Future<Void> joinGroup() {
    return Future.all(shards.stream().map(OutboxShard::joinGroup).toList()).<Void>mapEmpty()
        .onSuccess(v -> log.info("flusher {} joined consumer group {} on {} write-buffer shards", settings.consumer(),
            RedisKeys.OUTBOX_GROUP, shards.size()));
  }

  /** Drains what is buffered before the instance stops, within the configured time. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(statsTimer);
    long deadline = System.currentTimeMillis() + settings.drainTimeoutMs();
    return drain(deadline).onComplete(ar -> log.info("flusher {} stopped; {} entries left in the buffer",
        settings.consumer(), stats.backlog()));
  }

  private Future<Void> drain(long deadline) {
    if (System.currentTimeMillis() > deadline) {
      return Future.succeededFuture();
    }
    return cycle().compose(n -> n > 0 ? drain(deadline) : Future.succeededFuture(), err -> Future.succeededFuture());
  }

  /** Runs flush cycles until the buffer is empty; a request while one runs makes it go round again. */
  private void flush() {
    if (running) {
      again = true;
      refreshStatsIfStale();
      return;
    }
    running = true;
    again = false;
    Future<Integer> cycle;
    try {
      cycle = cycle();
    } catch (RuntimeException e) {
      cycle = Future.failedFuture(e);
    }
    cycle.onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        stats.failed(ar.cause());
        meters.flushFailed();
        readiness.degraded("flush", ar.cause() instanceof BufferUnreadable ? ar.cause().getMessage()
            : "flushing to PostgreSQL fails: " + ar.cause().getMessage());
        log.warn("flush failed, entries stay buffered and are retried: {}", ar.cause().getMessage());
      } else {
        readiness.recovered("flush");
      }
      refreshStats();
      if (ar.succeeded() && (ar.result() >= settings.batchSize() || again)) {
        vertx.runOnContext(v -> flush());
      }
    });
  }

  /**
   * One batch from every shard at once (each: this flusher's unacknowledged entries first, then idle ones
   * of a flusher that died, then new ones), written to PostgreSQL in one transaction and acknowledged
   * shard by shard. Answers the most entries one shard gave, so a full shard makes the flusher go again.
   */
  private Future<Integer> cycle() {
    List<Future<List<OutboxRecord>>> reads = shards.stream().map(OutboxShard::next).toList();
    return Future.all(reads).compose(read -> {
      List<OutboxRecord> records = new ArrayList<>();
      reads.forEach(r -> records.addAll(r.result()));
      if (records.isEmpty()) {
        return Future.succeededFuture(0);
      }
      List<OutboxRecord> real = records.stream().filter(r -> r.key() != null).toList();
      long started = System.nanoTime();
      return writer.write(real)
          .recover(err -> real.size() > 1 ? oneByOne(real, 0) : setAsideIfBad(real.get(0), err))
          .compose(v -> setAsideMalformed(records))
          .compose(v -> {
            List<Future<Void>> acks = new ArrayList<>();
            for (int i = 0; i < shards.size(); i++) {
              acks.add(shards.get(i).acknowledge(reads.get(i).result()));
            }
            return Future.all(acks);
          })
          .map(v -> {
            stats.flushed(real.size(), System.nanoTime() - started);
            meters.flushed(real.size());
            return reads.stream().mapToInt(r -> r.result().size()).max().orElse(0);
          })
          .onFailure(err -> shards.forEach(OutboxShard::failed));
    });
  }

  /**
   * A batch failed: write its records one at a time, so one record PostgreSQL refuses (bad data) or
   * whose snapshot is not JSON cannot hold back every other. Such a record is set aside; any other
   * failure stops here and the batch is retried (writes are idempotent).
   */
  private Future<Void> oneByOne(List<OutboxRecord> records, int index) {
    if (index == records.size()) {
      return Future.succeededFuture();
    }
    OutboxRecord record = records.get(index);
    return writer.write(List.of(record)).recover(err -> setAsideIfBad(record, err))
        .compose(v -> oneByOne(records, index + 1));
  }

  private Future<Void> setAsideIfBad(OutboxRecord record, Throwable err) {
    if (err instanceof MalformedSnapshot malformed) {
      return deadLetter(record.entryId(), malformed.getMessage(), new JsonObject().put("event", record.eventJson())
          .put("snapshot", record.snapshotText()).encode());
    }
    if (!(err instanceof PgException pg) || pg.getSqlState() == null
        || !(pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"))) {
      return Future.failedFuture(err);
    }
    return deadLetter(record.entryId(), record.key().tag() + " seq " + record.seq() + ": " + pg.getMessage(),
        record.eventJson());
  }

  private Future<Void> setAsideMalformed(List<OutboxRecord> records) {
    Future<Void> all = Future.succeededFuture();
    for (OutboxRecord r : records) {
      if (r.key() == null && r.event() != null) {
        all = all.compose(v -> deadLetter(r.entryId(), "malformed buffer entry", r.event().encode()));
      }
    }
    return all;
  }

  /** Keeps a record that cannot be flushed in {@code flowcast:outbox:dead} for an operator, and says so. */
  private Future<Void> deadLetter(String entryId, String reason, String content) {
    log.error("setting aside buffered entry {} that cannot be flushed: {}", entryId, reason);
    readiness.degraded("flush-dead", "entries PostgreSQL refused are kept in " + settings.keys().outboxDead());
    meters.flushFailed();
    return call(Request.cmd(Command.XADD).arg(settings.keys().outboxDead()).arg("*").arg("entry").arg(entryId)
        .arg("reason").arg(reason).arg("content").arg(content)).mapEmpty();
  }

  private void refreshStatsIfStale() {
    if (System.nanoTime() - refreshedAt >= STATS_MS * 1_000_000) {
      refreshStats();
    }
  }

  /** Reads the backlog and its oldest entry over every shard (one lookup at a time) for /ready and /metrics. */
  private void refreshStats() {
    if (refreshing) {
      return;
    }
    refreshing = true;
    List<Future<OutboxShard.Backlog>> reads = shards.stream().map(OutboxShard::backlog).toList();
    Future.all(reads).onComplete(ar -> {
      refreshing = false;
      refreshedAt = System.nanoTime();
      if (ar.failed()) {
        return;
      }
      long entries = reads.stream().mapToLong(r -> r.result().entries()).sum();
      long oldest = reads.stream().mapToLong(r -> r.result().oldestMillis()).filter(t -> t > 0).min().orElse(0);
      stats.backlog(entries, oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest));
      meters.flushBacklog(entries, oldest);
      readiness.fact("flush", stats.toJson());
    });
  }

  /** A call to Redis bounded by its timeout; a failure says the buffer, not PostgreSQL, is what failed. */
  static Future<Response> call(Redis redis, Settings settings, Request request) {
    return redis.send(request).timeout(settings.redisTimeoutMs(), TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(new BufferUnreadable(err)));
  }

  private Future<Response> call(Request request) {
    return call(redis, settings, request);
  }

  /** Redis's own error text, under the wrapping of {@link #call}. */
  static String redisError(Throwable err) {
    Throwable redis = err instanceof BufferUnreadable && err.getCause() != null ? err.getCause() : err;
    return redis.getMessage() == null ? "" : redis.getMessage();
  }

  /** The write buffer could not be read or acknowledged: Redis, not PostgreSQL, is what failed. */
  private static final class BufferUnreadable extends RuntimeException {
    BufferUnreadable(Throwable cause) {
      super("the write buffer in Redis cannot be read: " + cause.getMessage(), cause, false, false);
    }
  }
}
