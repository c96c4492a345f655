package io.flowcast.auth;

import io.flowcast.bus.ApiException;

import java.util.Set;

/**
 * The authenticated client of a request, from its token's claims; {@code sessionId} is the {@code sid}
 * claim (null when the token has none), by which a logout or a refresh-token reuse revokes it.
 */
public record Caller(String subject, String tenant, Set<String> scopes, long expiresAtEpochSecond, String sessionId) {
  public static final String READ = "workflows:read";
  public static final String WRITE = "workflows:write";
  public static final String ADMIN = "admin";
  /** Operating the deployment (the instance registry); {@link #ADMIN} implies it like every scope. */
  public static final String FLOWCAST_ADMIN = "flowcast:admin";

  /** The constant for a scope this server knows: callers the token cache keeps hold no copy of their own. */
  static String known(String scope) {
    return switch (scope) {
      case READ -> READ;
      case WRITE -> WRITE;
      case ADMIN -> ADMIN;
      case FLOWCAST_ADMIN -> FLOWCAST_ADMIN;
      default -> scope;
    };
  }

  public boolean may(String scope) {
    return scopes.contains(scope) || scopes.contains(ADMIN);
  }

  /** Fails with 403 unless the token carries {@code scope} (or {@code admin}). */
  public void require(String scope) {
    if (!may(scope)) {
      throw new ApiException(403, "this token lacks the '" + scope + "' scope");
    }
  }
}
