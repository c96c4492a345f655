package io.flowcast.memory;

import io.flowcast.auth.RefreshTokens;
import io.flowcast.auth.Session;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;

/** Refresh tokens of the in-memory backend (one instance): the same rules as the Redis ones. */
public final class InMemoryRefreshTokens implements RefreshTokens {
  private final Map<String, Family> families = new HashMap<>();
  private final Map<String, Long> revoked = new HashMap<>();

  private static final class Family {
    final Session session;
    final Map<String, Long> active = new HashMap<>();
    final Map<String, Boolean> rotated = new HashMap<>();
    boolean revoked;

    Family(Session session) {
      this.session = session;
    }
  }

  public InMemoryRefreshTokens() {
  }

  @Override
  public synchronized Future<String> start(Session session, long ttlSeconds) {
    prune();
    Family family = new Family(session);
    families.put(session.sid(), family);
    String secret = RefreshTokens.random(32);
    family.active.put(RefreshTokens.hash(secret), now() + ttlSeconds);
    return Future.succeededFuture(session.sid() + "." + secret);
  }

  @Override
  public synchronized Future<Rotation> rotate(String token, long ttlSeconds) {
    String[] parts = RefreshTokens.parse(token);
    Family family = parts == null ? null : families.get(parts[0]);
    if (family == null) {
      return Future.succeededFuture(new Rotation(Rotation.Kind.INVALID, null, null));
    }
    if (family.revoked) {
      return Future.succeededFuture(new Rotation(Rotation.Kind.REVOKED, family.session, null));
    }
    String hash = RefreshTokens.hash(parts[1]);
    if (family.rotated.containsKey(hash)) {
      family.revoked = true;
      return Future.succeededFuture(new Rotation(Rotation.Kind.REUSED, family.session, null));
    }
    Long expires = family.active.remove(hash);
    if (expires == null || expires < now()) {
      return Future.succeededFuture(new Rotation(Rotation.Kind.INVALID, null, null));
    }
    family.rotated.put(hash, true);
    String secret = RefreshTokens.random(32);
    family.active.put(RefreshTokens.hash(secret), now() + ttlSeconds);
    return Future.succeededFuture(new Rotation(Rotation.Kind.OK, family.session, parts[0] + "." + secret));
  }

  @Override
  public synchronized Future<Session> revoke(String token) {
    String[] parts = RefreshTokens.parse(token);
    Family family = parts == null ? null : families.get(parts[0]);
    if (family == null || !family.active.containsKey(RefreshTokens.hash(parts[1]))
        && !family.rotated.containsKey(RefreshTokens.hash(parts[1]))) {
      return Future.succeededFuture(null);
    }
    family.revoked = true;
    return Future.succeededFuture(family.session);
  }

  @Override
  public synchronized Future<Void> revokeSession(String sid, long untilEpochSecond) {
    revoked.put(sid, untilEpochSecond); // one instance: the auth verticle's own announcement reaches everyone
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Map<String, Long>> revokedSessions() {
    revoked.values().removeIf(until -> until < now());
    return Future.succeededFuture(Map.copyOf(revoked));
  }

  /** Families whose every token has expired cannot be used or reused any more: forget them. */
  private void prune() {
    long now = now();
    families.values().removeIf(f -> f.active.values().stream().allMatch(exp -> exp < now));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
