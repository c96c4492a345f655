package io.flowcast.auth;

import io.flowcast.config.FlowcastConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.UUID;

/**
 * Builds the JWT provider from config. A key is always configured: vertx-auth-jwt without keys would
 * verify nothing, and {@link FlowcastConfig} refuses to start without a secret.
 */
public final class JwtSupport {
  public static final String ALGORITHM = "HS256";

  private JwtSupport() {
  }

  public static JWTAuth provider(Vertx vertx, FlowcastConfig config) {
    JWTOptions jwtOptions = new JWTOptions()
        .setAlgorithm(ALGORITHM)
        .setLeeway(config.jwtLeewaySeconds());
    if (!config.jwtIssuer().isEmpty()) {
      jwtOptions.setIssuer(config.jwtIssuer());
    }
    if (!config.jwtAudience().isEmpty()) {
      jwtOptions.addAudience(config.jwtAudience());
    }
    return JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(config.jwtSecret()))
        .setJWTOptions(jwtOptions));
  }

  /** Mints an access token signed with the configured secret (development and tests). */
  public static String mint(JWTAuth provider, FlowcastConfig config, String subject, String tenant, String scope,
      int ttlSeconds) {
    JsonObject claims = new JsonObject()
        .put("sub", subject)
        .put("tenant", tenant)
        .put("scope", scope)
        .put("jti", UUID.randomUUID().toString());
    JWTOptions options = new JWTOptions().setAlgorithm(ALGORITHM).setExpiresInSeconds(ttlSeconds);
    if (!config.jwtIssuer().isEmpty()) {
      options.setIssuer(config.jwtIssuer());
    }
    if (!config.jwtAudience().isEmpty()) {
      options.addAudience(config.jwtAudience());
    }
    return provider.generateToken(claims, options);
  }
}
