package io.flowcast.ratelimit;

import io.flowcast.redis.RedisKeys;
import io.flowcast.redis.RedisScripts;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * GCRA in Redis ({@code lua/ratelimit.lua}), so every instance takes from one quota per partition.
 * One key per policy and partition, {@code ratelimit:<policy>:{<partition>}}: the hash tag is the
 * partition, so a subject's keys share a Redis Cluster slot.
 */
public final class RedisRateLimiter implements RateLimiter {
  static final String SCRIPT = "ratelimit";
  private static final RedisScripts SCRIPTS = RedisScripts.standalone(List.of(SCRIPT));

  private final Redis redis;
  private final RedisKeys keys;

  public RedisRateLimiter(Redis redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  @Override
  public Future<Decision> take(Quota quota, String partition) {
    return SCRIPTS.run(redis, SCRIPT, List.of(keys.rateLimit(quota.name(), partition)),
            List.of(Long.toString(quota.intervalMicros()), Integer.toString(quota.burst())))
        .map(reply -> decision(quota, reply));
  }

  private static Decision decision(Quota quota, Response reply) {
    return new Decision(quota, reply.get(0).toInteger() == 1, reply.get(1).toLong(), reply.get(2).toLong(),
        reply.get(3).toLong());
  }
}
