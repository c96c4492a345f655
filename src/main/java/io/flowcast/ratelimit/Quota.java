package io.flowcast.ratelimit;

/**
 * One rate-limit policy: a sustained rate and a burst, enforced with GCRA. A partition with a whole
 * quota may make {@code burst} requests at once; the quota refills at {@code perMinute} requests per
 * minute, so it is whole again {@link #windowSeconds()} after it was used up.
 *
 * @param name the policy's name in the {@code RateLimit-Policy} and {@code RateLimit} fields and in Redis keys
 */
public record Quota(String name, int perMinute, int burst) {
  private static final long MINUTE_MICROS = 60_000_000L;

  public Quota {
    if (perMinute < 1 || burst < 1) {
      throw new IllegalArgumentException("a quota needs a positive rate and burst");
    }
  }

  /** The time one request's worth of quota takes to refill (rounded up: never faster than configured). */
  public long intervalMicros() {
    return (MINUTE_MICROS + perMinute - 1) / perMinute;
  }

  /** How long a used-up quota takes to refill completely: the {@code w} of the policy. */
  public long windowSeconds() {
    return Math.max(1, RateLimitHeaders.seconds(intervalMicros() * burst));
  }
}
