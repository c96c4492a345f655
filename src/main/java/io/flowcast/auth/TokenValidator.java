package io.flowcast.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.Base64;
import java.util.Set;

/**
 * Verifies bearer JWTs: HS256 against {@code jwt.secret}, RS256 and ES256 against an identity provider's
 * public keys ({@code jwt.public_keys}, {@code jwt.jwks_url}). The header's {@code alg} picks one of two
 * verifiers, each holding only its own kind of key, and a named {@code kid} must be a known key of exactly
 * that algorithm; so an HMAC computed over a public key, an ES256 header on an RSA key, {@code alg: none}
 * or any other algorithm never verifies. Signature, {@code exp}, {@code nbf}, {@code iat}, {@code iss} and
 * {@code aud} are checked by vertx-auth-jwt with the configured leeway. Failures are {@link TokenRejected}.
 *
 * <p>One per HTTP verticle, used on its event loop. Tokens are minted with the secret only.
 */
final class TokenValidator implements JWTAuth {
  private static final Set<String> PUBLIC_KEY_ALGORITHMS = Set.of("RS256", "ES256");

  private final Vertx vertx;
  private final JWTAuth secret;
  private final JWTOptions checks;
  private final PublicKeys configured;
  private final JwksKeys jwks;
  private PublicKeys verifierKeys;
  private JWTAuth verifier;

  /** @param jwks the JWKS source, or null when only {@code configured} keys are used */
  TokenValidator(Vertx vertx, JWTAuth secret, JWTOptions checks, PublicKeys configured, JwksKeys jwks) {
    this.vertx = vertx;
    this.secret = secret;
    this.checks = checks;
    this.configured = configured;
    this.jwks = jwks;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials tokenCredentials) || tokenCredentials.getToken() == null) {
      return Future.failedFuture(new TokenRejected("no token"));
    }
    String token = tokenCredentials.getToken();
    JsonObject header;
    JsonObject claims;
    try {
      String[] parts = token.split("\\.", -1);
      if (parts.length != 3 || parts[2].isEmpty()) {
        throw new IllegalArgumentException();
      }
      header = json(parts[0]);
      claims = json(parts[1]);
    } catch (RuntimeException e) {
      return Future.failedFuture(new TokenRejected("not a signed JWT"));
    }
    if (header.containsKey("crit")) {
      return Future.failedFuture(new TokenRejected("unsupported critical header"));
    }
    String alg = header.getValue("alg") instanceof String s ? s : "";
    if (JwtSupport.ALGORITHM.equals(alg)) {
      return verify(secret, token, claims);
    }
    if (!PUBLIC_KEY_ALGORITHMS.contains(alg)) {
      return Future.failedFuture(new TokenRejected("algorithm not accepted"));
    }
    Object kidValue = header.getValue("kid");
    if (kidValue != null && !(kidValue instanceof String)) {
      return Future.failedFuture(new TokenRejected("malformed kid"));
    }
    String kid = (String) kidValue;
    return keys(kid).compose(keys -> {
      String keyAlg = kid == null ? (keys.hasAlgorithm(alg) ? alg : null) : keys.algorithm(kid);
      if (keyAlg == null) {
        return Future.failedFuture(new TokenRejected("unknown signing key"));
      }
      if (!keyAlg.equals(alg)) {
        return Future.failedFuture(new TokenRejected("algorithm does not match the signing key"));
      }
      return verify(verifier(keys), token, claims);
    });
  }

  /** The known keys; when {@code kid} is not among them, refreshed from the JWKS (rate-limited). */
  private Future<PublicKeys> keys(String kid) {
    if (jwks == null) {
      return Future.succeededFuture(configured);
    }
    return jwks.current().compose(keys -> kid == null || keys.algorithm(kid) != null
        ? Future.succeededFuture(keys) : jwks.refreshForUnknownKid());
  }

  /**
   * A verifier for exactly {@code keys}; only called with at least one key (vertx-auth-jwt without keys
   * runs "unsecured", though even then it refuses a token that has a signature, as all tokens here do).
   */
  private JWTAuth verifier(PublicKeys keys) {
    if (keys != verifierKeys) {
      verifier = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(keys.jwks()).setJWTOptions(checks));
      verifierKeys = keys;
    }
    return verifier;
  }

  private static Future<User> verify(JWTAuth provider, String token, JsonObject claims) {
    try {
      return provider.authenticate(new TokenCredentials(token))
          .recover(err -> Future.failedFuture(TokenRejected.of(err, claims)));
    } catch (RuntimeException e) {
      // vertx-auth-jwt throws, rather than fails, on some malformed claims (a string exp, a numeric aud)
      return Future.failedFuture(TokenRejected.of(e, claims));
    }
  }

  private static JsonObject json(String segment) {
    return new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(segment)));
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    return secret.generateToken(claims, options);
  }

  @Override
  public String generateToken(JsonObject claims) {
    return secret.generateToken(claims);
  }
}
