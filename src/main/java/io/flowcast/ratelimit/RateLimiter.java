package io.flowcast.ratelimit;

import io.vertx.core.Future;

/** Takes one request from a partition's quota (GCRA). */
public interface RateLimiter {

  /**
   * @param partition who the quota belongs to: {@code <tenant>:<subject>} or {@code addr:<client address>};
   *     any characters but '{' and '}' (they would break the Redis hash tag)
   */
  Future<Decision> take(Quota quota, String partition);
}
