package io.flowcast.ratelimit;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/**
 * Takes one request from the quota of the request's partition, answers with the {@code RateLimit}
 * fields, and either passes the request on or fails it with 429 (problem details, {@code Retry-After}).
 */
final class RateLimitHandler implements Handler<RoutingContext> {
  private final RateLimiter limiter;
  private final Quota quota;
  private final Function<RoutingContext, String> partition;

  RateLimitHandler(RateLimiter limiter, Quota quota, Function<RoutingContext, String> partition) {
    this.limiter = limiter;
    this.quota = quota;
    this.partition = partition;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String of = partition.apply(ctx);
    // a body not read yet waits for the decision, as in Vert.x's own asynchronous handlers
    boolean paused = !ctx.request().isEnded();
    if (paused) {
      ctx.request().pause();
    }
    limiter.take(quota, of).onComplete(ar -> {
      if (paused) {
        ctx.request().resume();
      }
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Decision decision = ar.result();
      RateLimitHeaders.put(ctx.response(), RateLimitHeaders.policy(quota), RateLimitHeaders.limit(decision),
          decision.allowed() ? 0 : decision.retryAfterSeconds());
      if (decision.allowed()) {
        ctx.next();
      } else {
        ctx.fail(RateLimits.exceeded(decision));
      }
    });
  }
}
