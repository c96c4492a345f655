package io.flowcast.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The callers of bearer tokens this HTTP verticle verified lately, so that a client sending the same
 * token again is not verified again (signature, claims, and the JSON of both, about a tenth of the CPU
 * of a small PATCH). Only tokens that passed verification are kept, keyed by their exact text, so a
 * token that differs in any character is verified in full.
 *
 * <p>An entry is used until the token's {@code exp} (without the leeway the verifier grants; after that
 * the token is verified again) and for at most {@link #MAX_AGE_MS} after its verification (measured on
 * the monotonic clock), so a signing key removed from the identity provider's JWKS stops admitting its
 * tokens at most that long after the verifier stops trusting it. Revocation is not cached: the caller's
 * session is checked on every request. At most {@link #MAX_ENTRIES} tokens of at most
 * {@link #MAX_TOKEN_CHARS} characters, least recently used dropped first. Confined to the verticle's
 * event loop.
 */
public final class VerifiedTokens {
  static final int MAX_ENTRIES = 4096;
  static final int MAX_TOKEN_CHARS = 4096;
  static final long MAX_AGE_MS = 60_000;

  private record Entry(Caller caller, long expiresAtMs, long verifiedAtNanos) {
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  /**
   * The caller of {@code token} if it was verified and is still usable: before its {@code exp} at
   * {@code nowMs} (wall clock) and less than {@link #MAX_AGE_MS} after its verification at
   * {@code nowNanos} ({@link System#nanoTime()}); else null.
   */
  Caller get(String token, long nowMs, long nowNanos) {
    Entry entry = entries.get(token);
    if (entry == null) {
      return null;
    }
    if (nowMs >= entry.expiresAtMs()
        || nowNanos - entry.verifiedAtNanos() >= TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MS)) {
      entries.remove(token);
      return null;
    }
    return entry.caller();
  }

  /** Remembers that {@code token}, verified at {@code nowMs} / {@code nowNanos}, belongs to {@code caller}. */
  void put(String token, Caller caller, long nowMs, long nowNanos) {
    long expiresAtMs = caller.expiresAtEpochSecond() * 1000;
    if (expiresAtMs > nowMs && token.length() <= MAX_TOKEN_CHARS) {
      entries.put(token, new Entry(caller, expiresAtMs, nowNanos));
    }
  }

  int size() {
    return entries.size();
  }
}
