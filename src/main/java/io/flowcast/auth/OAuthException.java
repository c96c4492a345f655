package io.flowcast.auth;

import io.flowcast.bus.ApiException;

/**
 * An error of the token endpoint as RFC 6749 section 5.2 names it ({@code invalid_request},
 * {@code invalid_client}, {@code invalid_grant}, {@code unauthorized_client}, {@code unsupported_grant_type},
 * {@code invalid_scope}). On the event bus it travels as {@code fail(status, "<error>: <description>")}.
 */
public final class OAuthException {
  private OAuthException() {
  }

  public static ApiException of(String error, String description) {
    return new ApiException(error.equals("invalid_client") ? 401 : 400, error + ": " + description);
  }
}
