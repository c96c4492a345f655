package io.flowcast.auth;

import io.flowcast.config.FlowcastConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;

import java.util.UUID;

/** Mints the short-lived access tokens of the token endpoint: HS256 JWTs with sub, tenant, scope, sid, jti. */
final class AccessTokens {
  private final JWTAuth jwt;
  private final FlowcastConfig config;

  AccessTokens(JWTAuth jwt, FlowcastConfig config) {
    this.jwt = jwt;
    this.config = config;
  }

  String mint(Session session) {
    return mint(session, config.accessTtlSeconds(), null);
  }

  /** A token of {@code session} valid {@code ttlSeconds}, limited to the workflows {@code limit} admits (null: all). */
  String mint(Session session, long ttlSeconds, String limit) {
    JsonObject claims = new JsonObject()
        .put("sub", session.subject())
        .put("tenant", session.tenant())
        .put("scope", session.scope())
        .put("sid", session.sid())
        .put("jti", UUID.randomUUID().toString());
    if (session.clientId() != null) {
      claims.put("client_id", session.clientId());
    }
    if (limit != null) {
      claims.put("wf", limit);
    }
    JWTOptions options = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) ttlSeconds);
    if (!config.jwtIssuer().isEmpty()) {
      options.setIssuer(config.jwtIssuer());
    }
    if (!config.jwtAudience().isEmpty()) {
      options.addAudience(config.jwtAudience());
    }
    return jwt.generateToken(claims, options);
  }
}
