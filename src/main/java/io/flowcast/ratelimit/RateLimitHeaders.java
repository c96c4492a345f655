package io.flowcast.ratelimit;

import io.vertx.core.http.HttpServerResponse;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} fields of draft-ietf-httpapi-ratelimit-headers-11
 * (Structured Field lists, e.g. {@code "write";q=100;w=2} and {@code "write";r=42;t=1}) and
 * {@code Retry-After} on a refusal.
 *
 * <p>A policy's {@code q} is its burst and {@code w} the seconds a used-up quota takes to refill, so
 * {@code q/w} is the sustained rate. {@code r} is what may be sent at once now and {@code t} the
 * seconds until the quota is whole again (on a refusal: until the next request is admitted, the same
 * as {@code Retry-After}). The stream cap is a concurrency policy ({@code qu="concurrent-requests"}).
 */
public final class RateLimitHeaders {
  public static final String POLICY = "RateLimit-Policy";
  public static final String LIMIT = "RateLimit";
  public static final String RETRY_AFTER = "Retry-After";

  private RateLimitHeaders() {
  }

  public static String policy(Quota quota) {
    return "\"" + quota.name() + "\";q=" + quota.burst() + ";w=" + quota.windowSeconds();
  }

  public static String limit(Decision decision) {
    long t = decision.allowed() ? seconds(decision.resetAfterMicros()) : decision.retryAfterSeconds();
    return "\"" + decision.quota().name() + "\";r=" + decision.remaining() + ";t=" + t;
  }

  public static String concurrencyPolicy(String name, int max) {
    return "\"" + name + "\";q=" + max + ";qu=\"concurrent-requests\"";
  }

  public static String concurrencyLimit(String name, long free) {
    return "\"" + name + "\";r=" + Math.max(0, free);
  }

  /** Sets both fields (each a list of items); on a refusal also {@code Retry-After}. */
  public static void put(HttpServerResponse response, String policies, String limits, long retryAfterSeconds) {
    response.putHeader(POLICY, policies).putHeader(LIMIT, limits);
    if (retryAfterSeconds > 0) {
      response.putHeader(RETRY_AFTER, Long.toString(retryAfterSeconds));
    }
  }

  /** Whole seconds, rounded up (delay-seconds never promise earlier than the truth). */
  static long seconds(long micros) {
    return micros <= 0 ? 0 : (micros + 999_999) / 1_000_000;
  }
}
