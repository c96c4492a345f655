package io.flowcast.auth;

import io.flowcast.bus.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates a request by its bearer JWT ({@link TokenAuthenticator}) and puts the {@link Caller} on
 * the context. The token comes from the {@code Authorization} header, or, where allowed (the SSE feed,
 * for EventSource), from the {@code access_token} query parameter.
 */
public final class AuthHandler implements Handler<RoutingContext> {
  public static final String CALLER = "flowcast.caller";
  private static final String BEARER = "bearer ";

  private final TokenAuthenticator tokens;
  private final boolean queryTokenAllowed;

  public AuthHandler(TokenAuthenticator tokens, boolean queryTokenAllowed) {
    this.tokens = tokens;
    this.queryTokenAllowed = queryTokenAllowed;
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
    var admitted = tokens.authenticate(token);
    if (admitted.succeeded()) {
      // a cached token: go on in this call, as before the future existed
      ctx.put(CALLER, admitted.result());
      ctx.next();
      return;
    }
    admitted.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ctx.put(CALLER, ar.result());
        ctx.next();
      }
    });
  }

  /** The bearer token of an {@code Authorization} header value, or null when it is not one. */
  public static String bearer(String header) {
    return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        ? header.substring(BEARER.length()).trim() : null;
  }

  private String token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null) {
      return bearer(header);
    }
    return queryTokenAllowed ? ctx.request().getParam("access_token") : null;
  }
}
