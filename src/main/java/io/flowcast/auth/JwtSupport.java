package io.flowcast.auth;

import io.flowcast.config.ConfigException;
import io.flowcast.config.FlowcastConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.Set;
import java.util.UUID;

/**
 * Builds the token verifier from config (see {@link TokenValidator}). The HS256 secret is always configured:
 * vertx-auth-jwt without keys would verify nothing, and {@link FlowcastConfig} refuses to start without a
 * secret. Keys of an external identity provider come from {@code jwt.public_keys} and {@code jwt.jwks_url}.
 */
public final class JwtSupport {
  public static final String ALGORITHM = "HS256";
  private static final Logger log = LoggerFactory.getLogger(JwtSupport.class);
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  private JwtSupport() {
  }

  /** A verifier for one verticle (its JWKS cache lives on that verticle's event loop); mints with the secret. */
  public static JWTAuth provider(Vertx vertx, FlowcastConfig config) {
    JWTOptions checks = new JWTOptions()
        .setAlgorithm(ALGORITHM)
        .setLeeway(config.jwtLeewaySeconds());
    if (!config.jwtIssuer().isEmpty()) {
      checks.setIssuer(config.jwtIssuer());
    }
    if (!config.jwtAudience().isEmpty()) {
      checks.addAudience(config.jwtAudience());
    }
    JWTAuth secret = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(config.jwtSecret()))
        .setJWTOptions(checks));
    PublicKeys configured = PublicKeys.fromConfig(config.jwtPublicKeys());
    JwksKeys jwks = config.jwksUrl().isEmpty() ? null
        : new JwksKeys(vertx, jwksUrl(config.jwksUrl()), config.jwksCacheSeconds(), configured);
    if (!configured.isEmpty() || jwks != null) {
      // an identity provider issues tokens for many applications: without these checks any of them would do
      if (config.jwtIssuer().isEmpty()) {
        throw new ConfigException("jwt.issuer", "must be set when jwt.public_keys or jwt.jwks_url is");
      }
      if (config.jwtAudience().isEmpty()) {
        throw new ConfigException("jwt.audience", "must be set when jwt.public_keys or jwt.jwks_url is");
      }
    }
    return new TokenValidator(vertx, secret, checks, configured, jwks);
  }

  private static String jwksUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("jwt.jwks_url", "not a URL");
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new ConfigException("jwt.jwks_url", "expected an https:// URL");
    }
    if ("http".equals(uri.getScheme()) && !LOOPBACK.contains(uri.getHost())) {
      log.warn("jwt.jwks_url is plain http: anyone on the path can substitute the signing keys; use https");
    }
    return url;
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
