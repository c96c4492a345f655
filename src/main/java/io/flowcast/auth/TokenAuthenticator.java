package io.flowcast.auth;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Turns a bearer JWT into its {@link Caller}, or fails with 401: signature and claims checked by the
 * verifier, the claims Flowcast needs read, and the session checked against the revoked ones. Used inline
 * by every edge that takes tokens (the HTTP routes, the SSE streams, the event-bus bridge), on its own
 * event loop: no bus hop per request.
 */
public final class TokenAuthenticator {
  private final JWTAuth jwt;
  private final RevokedSessions revoked;
  private final VerifiedTokens verified;

  /**
   * @param verified the tokens verified on this event loop, or null to verify every time (a stream
   *                 verifies its token once per connection, so remembering it would save little and push
   *                 the API clients' tokens out of the cache)
   */
  public TokenAuthenticator(JWTAuth jwt, RevokedSessions revoked, VerifiedTokens verified) {
    this.jwt = jwt;
    this.revoked = revoked;
    this.verified = verified;
  }

  /** The caller of {@code token}; a failed future with a 401 {@link ApiException} when it is not usable. */
  public Future<Caller> authenticate(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(new ApiException(401, "a bearer token is required (Authorization: Bearer <JWT>)"));
    }
    long now = System.currentTimeMillis();
    long nowNanos = System.nanoTime();
    Caller known = verified == null ? null : verified.get(token, now, nowNanos);
    if (known != null) {
      return admit(known);
    }
    Future<User> authenticated;
    try {
      authenticated = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vertx-auth-jwt throws, rather than fails, on some malformed claims (a string exp, a numeric aud)
      return Future.failedFuture(new ApiException(401, "the token is not valid: malformed claims"));
    }
    return authenticated
        .recover(err -> Future.failedFuture(new ApiException(401, "the token is not valid: " + reason(err))))
        .compose(user -> {
          Caller caller = caller(user);
          if (verified != null) {
            verified.put(token, caller, now, nowNanos);
          }
          return admit(caller);
        });
  }

  /** Whether the caller's session was revoked since its token was issued. */
  public boolean revoked(Caller caller) {
    return revoked.revoked(caller.sessionId());
  }

  private Future<Caller> admit(Caller caller) {
    if (revoked(caller)) {
      return Future.failedFuture(new ApiException(401, "the token is not valid: its session was revoked"));
    }
    return Future.succeededFuture(caller);
  }

  private static Caller caller(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String subject) || subject.isBlank() || subject.length() > 256) {
      throw new ApiException(401, "the token has no usable 'sub' claim");
    }
    Object tenantClaim = claims.getValue("tenant", "default");
    if (!(tenantClaim instanceof String tenant) || !Ids.valid(tenant)) {
      throw new ApiException(401, "the token's 'tenant' claim must be " + Ids.rule());
    }
    if (!(claims.getValue("exp") instanceof Number exp)) {
      throw new ApiException(401, "the token has no 'exp' claim");
    }
    Object scopeClaim = claims.getValue("scope", "");
    if (!(scopeClaim instanceof String scope)) {
      throw new ApiException(401, "the token's 'scope' claim must be a space-separated string");
    }
    Set<String> scopes = new LinkedHashSet<>();
    for (String name : scope.trim().split("\\s+")) {
      if (!name.isEmpty()) {
        scopes.add(Caller.known(name));
      }
    }
    Object sid = claims.getValue("sid");
    Object limit = claims.getValue("wf");
    if (limit != null && !(limit instanceof String pattern && Caller.validLimit(pattern))) {
      throw new ApiException(401, "the token's 'wf' claim must be a workflow id, or an id prefix followed by '*'");
    }
    return new Caller(subject, tenant, Set.copyOf(scopes), exp.longValue(), sid instanceof String s ? s : null,
        (String) limit);
  }

  /** A short, token-free reason for the client. */
  private static String reason(Throwable err) {
    return err instanceof TokenRejected ? err.getMessage() : "signature, algorithm or format rejected";
  }
}
