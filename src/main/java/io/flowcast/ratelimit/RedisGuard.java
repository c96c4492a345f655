package io.flowcast.ratelimit;

import io.flowcast.bus.ApiException;
import io.flowcast.health.Readiness;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the limiter does when Redis does not answer: with {@code ratelimit.fail_mode=open} it decides
 * in this process instead (limits then hold per instance), with {@code closed} it refuses (503). After
 * a failure it stops asking Redis until a {@link #probe() probe} gets an answer, so requests are not
 * held up by a dead Redis; meanwhile {@code /ready} carries a {@code degraded} entry saying so.
 */
final class RedisGuard {
  private static final Logger log = LoggerFactory.getLogger(RedisGuard.class);
  static final String DEGRADED_KEY = "ratelimit";

  private final Redis redis;
  private final long timeoutMs;
  private final boolean failOpen;
  private final Readiness readiness;
  private volatile boolean down;

  RedisGuard(Redis redis, long timeoutMs, boolean failOpen, Readiness readiness) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
    this.failOpen = failOpen;
    this.readiness = readiness;
  }

  /** Asks Redis, or, while it is down, decides locally (open) or refuses (closed). */
  <T> Future<T> call(Supplier<Future<T>> viaRedis, Supplier<Future<T>> locally) {
    if (down) {
      return fallback(locally);
    }
    return viaRedis.get().timeout(timeoutMs, TimeUnit.MILLISECONDS).recover(err -> {
      markDown(err);
      return fallback(locally);
    });
  }

  boolean down() {
    return down;
  }

  /** While Redis is marked down: one PING; an answer puts the limiter back on Redis. */
  void probe() {
    if (!down) {
      return;
    }
    redis.send(Request.cmd(Command.PING)).timeout(timeoutMs, TimeUnit.MILLISECONDS).onSuccess(pong -> {
      if (down) {
        down = false;
        readiness.recovered(DEGRADED_KEY);
        log.info("Redis answers again: rate limits are shared by every instance again");
      }
    });
  }

  private <T> Future<T> fallback(Supplier<Future<T>> locally) {
    return failOpen ? locally.get() : Future.failedFuture(ApiException.unavailable(
        "rate limits cannot be checked while Redis is unreachable (ratelimit.fail_mode=closed)"));
  }

  private void markDown(Throwable err) {
    if (down) {
      return;
    }
    down = true;
    String what = failOpen
        ? "rate limiter: Redis is unreachable, so rate limits and the stream cap hold per instance, not "
            + "across instances (ratelimit.fail_mode=open)"
        : "rate limiter: Redis is unreachable, so rate-limited requests answer 503 (ratelimit.fail_mode=closed)";
    readiness.degraded(DEGRADED_KEY, what);
    log.warn("{} ({})", what, err.getMessage());
  }
}
