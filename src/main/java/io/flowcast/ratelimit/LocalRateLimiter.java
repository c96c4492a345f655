package io.flowcast.ratelimit;

import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * GCRA in this process: the in-memory backend's limiter, and the fallback when Redis is unreachable
 * and {@code ratelimit.fail_mode} is {@code open}. The same arithmetic as {@code lua/ratelimit.lua}.
 * Shared by the HTTP verticles of one instance (hence a concurrent map, updated atomically per key).
 */
public final class LocalRateLimiter implements RateLimiter {
  private static final int SWEEP_EVERY = 4096;

  private final LongSupplier clockMicros;
  private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
  private final AtomicLong takes = new AtomicLong();

  public LocalRateLimiter() {
    this(() -> System.nanoTime() / 1000);
  }

  /** @param clockMicros a monotonic clock in microseconds (tests pass their own) */
  public LocalRateLimiter(LongSupplier clockMicros) {
    this.clockMicros = clockMicros;
  }

  @Override
  public Future<Decision> take(Quota quota, String partition) {
    long now = clockMicros.getAsLong();
    if (takes.incrementAndGet() % SWEEP_EVERY == 0) {
      // a theoretical arrival time in the past is the same as none: forget it
      arrivals.values().removeIf(tat -> tat <= now);
    }
    long interval = quota.intervalMicros();
    long capacity = interval * quota.burst();
    Decision[] decision = new Decision[1];
    arrivals.compute(quota.name() + ":" + partition, (key, stored) -> {
      long tat = stored == null ? now : Math.max(stored, now);
      long next = tat + interval;
      long allowedAt = next - capacity;
      if (allowedAt > now) {
        decision[0] = new Decision(quota, false, 0, allowedAt - now, tat - now);
        return stored;
      }
      decision[0] = new Decision(quota, true, (now + capacity - next) / interval, 0, next - now);
      return next;
    });
    return Future.succeededFuture(decision[0]);
  }
}
