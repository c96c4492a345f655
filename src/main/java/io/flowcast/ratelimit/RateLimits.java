package io.flowcast.ratelimit;

import io.flowcast.redis.RedisKeys;
import io.flowcast.auth.AuthHandler;
import io.flowcast.auth.Caller;
import io.flowcast.bus.ApiException;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.health.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Redis;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The rate limits of one instance, shared by its HTTP verticles: GCRA quotas per subject for reads,
 * writes and stream opens, per client address on the token endpoint, and the cap on a subject's
 * concurrent streams. On Redis every instance shares them (see {@link RedisGuard} for Redis being
 * unreachable); on the in-memory backend they hold in this process. See docs/RATELIMITS.md.
 */
public final class RateLimits {
  static final long STREAM_LEASE_MS = 30_000;
  private static final long PROBE_MS = 1_000;
  /** A stream slot frees when some stream ends, which no clock predicts: a modest pause. */
  private static final long CAP_RETRY_SECONDS = 5;
  private static final String STREAMS = "streams";

  private final boolean enabled;
  private final int maxStreams;
  private final Quota read;
  private final Quota write;
  private final Quota stream;
  private final Quota token;
  private final Quota output;
  private final RateLimiter limiter;
  private final StreamSlots slots;
  private final Vertx vertx;
  private final long[] timers;
  private final ClientAddresses clients;

  private RateLimits(FlowcastConfig config, RateLimiter limiter, StreamSlots slots, Vertx vertx,
      long... timers) {
    FlowcastConfig.RateLimits c = config.rateLimits();
    this.clients = new ClientAddresses(config.trustedProxies());
    this.enabled = c.enabled();
    this.maxStreams = c.maxStreamsPerSubject();
    this.read = new Quota("read", c.readPerMinute(), c.readBurst());
    this.write = new Quota("write", c.writePerMinute(), c.writeBurst());
    this.stream = new Quota("stream", c.streamPerMinute(), c.streamBurst());
    this.token = new Quota("token", c.tokenPerMinute(), c.tokenBurst());
    this.output = new Quota("output", config.outputs().appendsPerMinute(), config.outputs().appendsBurst());
    this.limiter = limiter;
    this.slots = slots;
    this.vertx = vertx;
    this.timers = timers;
  }

  /**
   * Limits shared through {@code redis}, or held in this process when it is null (the in-memory
   * backend). Call on the main verticle's context: the stream-lease heartbeat and the Redis probe run there.
   */
  public static RateLimits create(Vertx vertx, FlowcastConfig config, Redis redis, Readiness readiness) {
    FlowcastConfig.RateLimits c = config.rateLimits();
    LocalRateLimiter local = new LocalRateLimiter();
    LocalStreamSlots localSlots = new LocalStreamSlots();
    if (!c.enabled() || redis == null) {
      readiness.fact("ratelimit", c.enabled() ? "local" : "off");
      return new RateLimits(config, local, localSlots, vertx);
    }
    readiness.fact("ratelimit", "redis (fail_mode=" + c.failMode() + ")");
    RedisGuard guard = new RedisGuard(redis, config.redisTimeoutMs(), c.failMode().equals("open"), readiness);
    RedisRateLimiter shared = new RedisRateLimiter(redis, new RedisKeys(config.redisKeyPrefix(), config.redisShards()));
    RedisStreamSlots sharedSlots = new RedisStreamSlots(redis, new RedisKeys(config.redisKeyPrefix(), config.redisShards()), config.instanceId(), STREAM_LEASE_MS);
    RateLimiter limiter = (quota, partition) ->
        guard.call(() -> shared.take(quota, partition), () -> local.take(quota, partition));
    StreamSlots slots = (partition, max) ->
        guard.call(() -> sharedSlots.acquire(partition, max), () -> localSlots.acquire(partition, max));
    long heartbeat = vertx.setPeriodic(STREAM_LEASE_MS / 3, id -> sharedSlots.refresh());
    long probe = vertx.setPeriodic(PROBE_MS, id -> guard.probe());
    return new RateLimits(config, limiter, slots, vertx, heartbeat, probe);
  }

  /** For {@code GET} routes, after authentication. */
  public Handler<RoutingContext> reads() {
    return bySubject(read);
  }

  /** For {@code POST}, {@code PUT}, {@code PATCH} and {@code DELETE} routes, after authentication. */
  public Handler<RoutingContext> writes() {
    return bySubject(write);
  }

  /** For output appends and closes (token streams), after authentication: a quota of their own. */
  public Handler<RoutingContext> outputs() {
    return bySubject(output);
  }

  /** For the token endpoints: a brute-force guard per client address (no caller yet). */
  public Handler<RoutingContext> tokenEndpoint() {
    return enabled ? new RateLimitHandler(limiter, token, this::address) : RoutingContext::next;
  }

  /**
   * Admits one more stream for the caller: one stream open from its quota, then a place under the cap.
   * Sets the {@code RateLimit} fields on the response; fails with 429 (or 503 when Redis is unreachable
   * and {@code fail_mode=closed}). The slot must be released when the stream ends.
   */
  public Future<StreamSlots.Slot> openStream(RoutingContext ctx, Caller caller) {
    String policies = RateLimitHeaders.policy(stream) + ", " + RateLimitHeaders.concurrencyPolicy(STREAMS, maxStreams);
    return admitStream(caller, (limit, retryAfter) ->
        RateLimitHeaders.put(ctx.response(), policies, limit, retryAfter));
  }

  /** The same for an edge without response headers (a registration on the event-bus bridge). */
  public Future<StreamSlots.Slot> openStream(Caller caller) {
    return admitStream(caller, (limit, retryAfter) -> { });
  }

  /**
   * One request from the caller's read or write quota, for an edge without response headers (the
   * event-bus bridge): fails with 429 when the quota is spent.
   */
  public Future<Void> take(Caller caller, boolean write) {
    if (!enabled) {
      return Future.succeededFuture();
    }
    return limiter.take(write ? this.write : read, subject(caller)).compose(decision -> decision.allowed()
        ? Future.succeededFuture() : Future.failedFuture(exceeded(decision)));
  }

  /** What a stream admission tells its client: the {@code RateLimit} field and the seconds to wait (0: none). */
  private interface Answer {
    void put(String limit, long retryAfterSeconds);
  }

  private Future<StreamSlots.Slot> admitStream(Caller caller, Answer answer) {
    if (!enabled) {
      return Future.succeededFuture(StreamSlots.Slot.granted(0, () -> { }));
    }
    String partition = subject(caller);
    return limiter.take(stream, partition).compose(decision -> {
      String rate = RateLimitHeaders.limit(decision);
      if (!decision.allowed()) {
        answer.put(rate, decision.retryAfterSeconds());
        return Future.failedFuture(exceeded(decision));
      }
      return slots.acquire(partition, maxStreams).compose(slot -> {
        if (!slot.granted()) {
          answer.put(RateLimitHeaders.concurrencyLimit(STREAMS, 0), CAP_RETRY_SECONDS);
          return Future.failedFuture(new ApiException(429, "at most " + maxStreams
              + " streams may be open at once per subject; close one first", CAP_RETRY_SECONDS));
        }
        answer.put(rate + ", " + RateLimitHeaders.concurrencyLimit(STREAMS, maxStreams - slot.open()), 0);
        return Future.succeededFuture(slot);
      });
    });
  }

  /** Stops the stream-lease heartbeat and the Redis probe. */
  public void close() {
    for (long timer : timers) {
      vertx.cancelTimer(timer);
    }
  }

  static ApiException exceeded(Decision decision) {
    Quota quota = decision.quota();
    return new ApiException(429, "too many " + quota.name() + " requests: " + quota.burst() + " at once and "
        + quota.perMinute() + " per minute are allowed; retry after " + decision.retryAfterSeconds() + " s",
        decision.retryAfterSeconds());
  }

  private Handler<RoutingContext> bySubject(Quota quota) {
    return enabled ? new RateLimitHandler(limiter, quota, ctx -> subject(AuthHandler.caller(ctx)))
        : RoutingContext::next;
  }

  /** {@code <tenant>:<subject>}: tenants are identifiers, subjects are encoded (no '{', '}' or ':'). */
  static String subject(Caller caller) {
    return caller.tenant() + ":" + URLEncoder.encode(caller.subject(), StandardCharsets.UTF_8);
  }

  /** The client's address as the logs and the token-endpoint limit see it (see {@link ClientAddresses}). */
  public String clientAddress(RoutingContext ctx) {
    return clients.of(ctx.request());
  }

  private String address(RoutingContext ctx) {
    return "addr:" + clientAddress(ctx);
  }
}
