package io.flowcast.auth;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.Ids;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Authenticates a request by its bearer JWT and puts the {@link Caller} on the context. The token comes
 * from the {@code Authorization} header, or, where allowed (the SSE feed, for EventSource), from the
 * {@code access_token} query parameter.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  public static final String CALLER = "flowcast.caller";
  private static final String BEARER = "bearer ";

  private final JWTAuth jwt;
  private final boolean queryTokenAllowed;
  private final RevokedSessions revoked;
  private final VerifiedTokens verified;

  /**
   * @param verified the tokens verified on this event loop, or null to verify every time (the stream
   *                 endpoints: a stream verifies its token once per connection, so remembering it would
   *                 save little and push the API clients' tokens out of the cache)
   */
  public AuthHandler(JWTAuth jwt, boolean queryTokenAllowed, RevokedSessions revoked, VerifiedTokens verified) {
    this.jwt = jwt;
    this.queryTokenAllowed = queryTokenAllowed;
    this.revoked = revoked;
    this.verified = verified;
  }

  public static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = token(ctx);
    if (token == null) {
      ctx.fail(new ApiException(401, "a bearer token is required (Authorization: Bearer <JWT>)"));
      return;
    }
    long now = System.currentTimeMillis();
    long nowNanos = System.nanoTime();
    Caller known = verified == null ? null : verified.get(token, now, nowNanos);
    if (known != null) {
      admit(ctx, known);
      return;
    }
    Future<User> authenticated;
    try {
      authenticated = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vertx-auth-jwt throws, rather than fails, on some malformed claims (a string exp, a numeric aud)
      ctx.fail(new ApiException(401, "the token is not valid: malformed claims"));
      return;
    }
    authenticated
        .onFailure(err -> ctx.fail(new ApiException(401, "the token is not valid: " + reason(err))))
        .onSuccess(user -> {
          Caller caller;
          try {
            caller = caller(user);
          } catch (ApiException e) {
            ctx.fail(e);
            return;
          }
          if (verified != null) {
            verified.put(token, caller, now, nowNanos);
          }
          admit(ctx, caller);
        });
  }

  private void admit(RoutingContext ctx, Caller caller) {
    if (revoked.revoked(caller.sessionId())) {
      ctx.fail(new ApiException(401, "the token is not valid: its session was revoked"));
      return;
    }
    ctx.put(CALLER, caller);
    ctx.next();
  }

  private String token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null) {
      return header.regionMatches(true, 0, BEARER, 0, BEARER.length())
          ? header.substring(BEARER.length()).trim() : null;
    }
    return queryTokenAllowed ? ctx.request().getParam("access_token") : null;
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
    return new Caller(subject, tenant, Set.copyOf(scopes), exp.longValue(), sid instanceof String s ? s : null);
  }

  /** A short, token-free reason for the client. */
  private static String reason(Throwable err) {
    return err instanceof TokenRejected ? err.getMessage() : "signature, algorithm or format rejected";
  }
}
