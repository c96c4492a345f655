package io.flowcast.bench;

import io.flowcast.auth.Caller;
import io.flowcast.auth.JwtSupport;
import io.flowcast.config.ConfigLoader;
import io.flowcast.config.FlowcastConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.jwt.JWTAuth;

/**
 * The bearer tokens of a run: the one given with {@code --token}, or, as the {@code token} subcommand
 * does, tokens minted with the configured secret (FLOWCAST_JWT_* and FLOWCAST_CONFIG apply), one subject
 * per connection so per-subject limits see many clients, as in production. Generic mode sends no token
 * unless one is given. Mint before the run starts (on the main thread): minting costs CPU and the
 * provider is not shared across event loops.
 */
final class BenchTokens {
  private final String fixed;
  private final JWTAuth jwt;
  private final FlowcastConfig config;
  private final String tenant;
  private final int ttlSeconds;

  private BenchTokens(String fixed, JWTAuth jwt, FlowcastConfig config, String tenant, int ttlSeconds) {
    this.fixed = fixed;
    this.jwt = jwt;
    this.config = config;
    this.tenant = tenant;
    this.ttlSeconds = ttlSeconds;
  }

  static BenchTokens create(Vertx vertx, BenchOptions options) {
    int ttl = options.warmupSeconds() + options.durationSeconds() + options.drainSeconds() + 600;
    if (options.token() != null || options.generic()) {
      return new BenchTokens(options.token(), null, null, options.tenant(), ttl);
    }
    FlowcastConfig config = ConfigLoader.config(null, System.getenv());
    return new BenchTokens(null, JwtSupport.provider(vertx, config), config, options.tenant(), ttl);
  }

  /** The token for one connection (null: send none). */
  String forSubject(String subject) {
    if (jwt == null) {
      return fixed;
    }
    return JwtSupport.mint(jwt, config, subject, tenant, Caller.READ + " " + Caller.WRITE, ttlSeconds);
  }

  String describe() {
    return jwt != null ? "minted, one subject per connection, tenant " + tenant
        : fixed != null ? "given (--token)" : "none";
  }
}
