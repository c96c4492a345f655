package io.flowcast.auth;

import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Refresh tokens: opaque ({@code <family>.<secret>}), stored only as a hash, rotated on every use; a
 * rotated token presented again revokes its whole family. Session revocations are kept until the
 * session's access tokens have expired and announced to every instance.
 */
public interface RefreshTokens {

  /** The outcome of presenting a refresh token. */
  record Rotation(Kind kind, Session session, String next) {
    public enum Kind { OK, INVALID, REVOKED, REUSED }
  }

  /** Starts a session; returns its first refresh token. */
  Future<String> start(Session session, long ttlSeconds);

  /** Exchanges a token for its successor. */
  Future<Rotation> rotate(String token, long ttlSeconds);

  /** Revokes the family of a refresh token (logout); returns its session, or null for an unknown token. */
  Future<Session> revoke(String token);

  /** Refuses a session's access tokens until {@code untilEpochSecond} and ends its streams, on every instance. */
  Future<Void> revokeSession(String sid, long untilEpochSecond);

  /** The sessions currently revoked, with the epoch second each entry ends (read at start). */
  Future<Map<String, Long>> revokedSessions();

  /** A new random identifier, URL-safe. */
  static String random(int bytes) {
    byte[] b = new byte[bytes];
    Holder.RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The stored form of a token's secret part. */
  static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {family, secret} of a token, or null when it is not one of ours. */
  static String[] parse(String token) {
    if (token == null) {
      return null;
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.') || dot == token.length() - 1 || token.length() > 200
        || !token.matches("[A-Za-z0-9_.-]+")) {
      return null;
    }
    return new String[] {token.substring(0, dot), token.substring(dot + 1)};
  }

  /** Lazily created strong random source. */
  final class Holder {
    static final SecureRandom RANDOM = new SecureRandom();

    private Holder() {
    }
  }
}
