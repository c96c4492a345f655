package io.flowcast.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Flowcast's own meters, exported at {@code /metrics} beside the Vert.x HTTP and JVM ones. One instance
 * per server, shared by its verticles (meters are thread-safe).
 */
public final class FlowcastMeters {
  private final MeterRegistry registry;
  private final AtomicLong openStreams = new AtomicLong();
  private final AtomicLong flushBacklog = new AtomicLong();
  /** When the oldest buffered entry was written (epoch ms), 0 when none: the lag is its age at scrape time. */
  private final AtomicLong flushOldestMs = new AtomicLong();
  private final Counter eventsPublished;
  private final Counter eventsDelivered;
  private final Counter liveWrites;
  private final Counter slowConsumers;
  private final DistributionSummary flushBatchRows;
  private final Counter flushFailures;

  public FlowcastMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("flowcast.sse.streams.open", openStreams, AtomicLong::get)
        .description("SSE streams open on this instance").register(registry);
    Gauge.builder("flowcast.flush.backlog", flushBacklog, AtomicLong::get)
        .description("entries in the write buffer to PostgreSQL").register(registry);
    Gauge.builder("flowcast.flush.lag.seconds", flushOldestMs, FlowcastMeters::ageSeconds)
        .description("age of the oldest entry in the write buffer").register(registry);
    eventsPublished = Counter.builder("flowcast.events.published")
        .description("events committed by this instance").register(registry);
    eventsDelivered = Counter.builder("flowcast.events.delivered")
        .description("events written to SSE streams of this instance").register(registry);
    liveWrites = Counter.builder("flowcast.sse.live.writes")
        .description("writes of live events to SSE streams; events arriving together share one").register(registry);
    slowConsumers = Counter.builder("flowcast.sse.slow.consumers.closed")
        .description("streams closed because the client did not keep up").register(registry);
    flushBatchRows = DistributionSummary.builder("flowcast.flush.batch.rows")
        .description("events per flush transaction").register(registry);
    flushFailures = Counter.builder("flowcast.flush.failures")
        .description("flush transactions that failed and will be retried").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** SSE streams open on this instance now (every HTTP verticle's). */
  public long openStreams() {
    return openStreams.get();
  }

  /** Events written to SSE streams of this instance since it started. */
  public double deliveredTotal() {
    return eventsDelivered.count();
  }

  /** Entries in the write buffer as the flusher last read them (0 before its first look, or without one). */
  public long flushBacklog() {
    return flushBacklog.get();
  }

  public void streamOpened() {
    openStreams.incrementAndGet();
  }

  public void streamClosed() {
    openStreams.decrementAndGet();
  }

  public void published() {
    eventsPublished.increment();
  }

  public void delivered() {
    eventsDelivered.increment();
  }

  /** Counts many deliveries at once (one event written to many streams). */
  public void delivered(long count) {
    eventsDelivered.increment(count);
  }

  /** Counts writes of live events (divide deliveries by it: events per write). */
  public void liveWrites(long count) {
    liveWrites.increment(count);
  }

  public void slowConsumerClosed() {
    slowConsumers.increment();
  }

  public void flushed(int rows) {
    flushBatchRows.record(rows);
  }

  public void flushFailed() {
    flushFailures.increment();
  }

  /** @param oldestEntryMs when the oldest buffered entry was written (epoch ms), 0 when none */
  public void flushBacklog(long entries, long oldestEntryMs) {
    flushBacklog.set(entries);
    flushOldestMs.set(oldestEntryMs);
  }

  private static double ageSeconds(AtomicLong epochMs) {
    long at = epochMs.get();
    return at == 0 ? 0 : Math.max(0, System.currentTimeMillis() - at) / 1000.0;
  }

  /** Latency of Redis calls, by operation (a script name or a command). */
  public Timer redis(String operation) {
    return Timer.builder("flowcast.redis.command").tag("operation", operation)
        .description("Redis call latency").publishPercentileHistogram(false).register(registry);
  }
}
