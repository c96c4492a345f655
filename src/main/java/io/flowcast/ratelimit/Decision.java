package io.flowcast.ratelimit;

/**
 * The outcome of taking one request from a partition's quota.
 *
 * @param remaining requests the partition may still make at once
 * @param retryAfterMicros for a refused request, when it would be admitted
 * @param resetAfterMicros when the quota is whole again
 */
public record Decision(Quota quota, boolean allowed, long remaining, long retryAfterMicros, long resetAfterMicros) {

  /** {@code Retry-After} of a refused request, in whole seconds, at least 1. */
  public long retryAfterSeconds() {
    return Math.max(1, RateLimitHeaders.seconds(retryAfterMicros));
  }
}
