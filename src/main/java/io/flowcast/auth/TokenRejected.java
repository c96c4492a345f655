package io.flowcast.auth;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/** A bearer token was refused; the message is a short reason that is safe to show the client. */
public final class TokenRejected extends RuntimeException {
  public TokenRejected(String reason) {
    super(reason, null, false, false);
  }

  /** Names the reason for a failure of vertx-auth-jwt; {@code claims} is the (unverified) token payload. */
  static TokenRejected of(Throwable err, JsonObject claims) {
    if (err instanceof TokenRejected rejected) {
      return rejected;
    }
    if (err instanceof ClassCastException) {
      return new TokenRejected("malformed claims");
    }
    String message = err.getMessage() == null ? "" : err.getMessage().toLowerCase(Locale.ROOT);
    if (message.startsWith("invalid jwt audience")) {
      return new TokenRejected("wrong audience");
    }
    if (message.startsWith("invalid jwt issuer")) {
      return new TokenRejected("wrong issuer");
    }
    if (message.contains("token expired")) {
      // the library says "expired" for exp, nbf and iat alike
      long now = System.currentTimeMillis() / 1000;
      if (claims.getValue("exp") instanceof Number exp && exp.longValue() <= now) {
        return new TokenRejected("expired");
      }
      return new TokenRejected(claims.getValue("nbf") instanceof Number nbf && nbf.longValue() > now
          ? "not valid yet" : "issued in the future");
    }
    return new TokenRejected("signature, algorithm or format rejected");
  }
}
