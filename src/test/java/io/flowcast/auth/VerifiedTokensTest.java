package io.flowcast.auth;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The verified-token cache never outlives the token's exp nor 60 s, and stays bounded. */
class VerifiedTokensTest {
  private static final long NOW_MS = 1_800_000_000_000L;
  private static final long NOW_NANOS = 5_000_000_000L;

  private static Caller expiringAt(long epochSecond) {
    return new Caller("alice", "acme", Set.of(Caller.READ), epochSecond, "sid-1");
  }

  private static long nanosLater(long ms) {
    return NOW_NANOS + TimeUnit.MILLISECONDS.toNanos(ms);
  }

  @Test
  void aTokenIsRememberedByItsExactText() {
    VerifiedTokens tokens = new VerifiedTokens();
    Caller caller = expiringAt(NOW_MS / 1000 + 3600);
    tokens.put("a.b.c", caller, NOW_MS, NOW_NANOS);

    assertThat(tokens.get("a.b.c", NOW_MS + 1, nanosLater(1))).isSameAs(caller);
    assertThat(tokens.get("a.b.C", NOW_MS + 1, nanosLater(1))).isNull();
    assertThat(tokens.get("a.b.c ", NOW_MS + 1, nanosLater(1))).isNull();
  }

  @Test
  void anEntryEndsAtTheTokensExpWithoutLeeway() {
    VerifiedTokens tokens = new VerifiedTokens();
    long exp = NOW_MS / 1000 + 10;
    tokens.put("t", expiringAt(exp), NOW_MS, NOW_NANOS);

    assertThat(tokens.get("t", exp * 1000 - 1, nanosLater(exp * 1000 - 1 - NOW_MS))).isNotNull();
    assertThat(tokens.get("t", exp * 1000, nanosLater(exp * 1000 - NOW_MS))).isNull();
    assertThat(tokens.size()).as("dropped once found unusable").isZero();
  }

  @Test
  void anEntryEndsSixtySecondsAfterVerificationOnTheMonotonicClock() {
    VerifiedTokens tokens = new VerifiedTokens();
    tokens.put("t", expiringAt(NOW_MS / 1000 + 3600), NOW_MS, NOW_NANOS);

    assertThat(tokens.get("t", NOW_MS + 59_999, nanosLater(59_999))).isNotNull();
    // the wall clock stepped back: the age still counts
    assertThat(tokens.get("t", NOW_MS - 120_000, nanosLater(VerifiedTokens.MAX_AGE_MS))).isNull();
  }

  @Test
  void expiredOrOversizedTokensAreNotKept() {
    VerifiedTokens tokens = new VerifiedTokens();
    tokens.put("expired", expiringAt(NOW_MS / 1000), NOW_MS, NOW_NANOS);
    tokens.put("x".repeat(VerifiedTokens.MAX_TOKEN_CHARS + 1), expiringAt(NOW_MS / 1000 + 60), NOW_MS, NOW_NANOS);

    assertThat(tokens.size()).isZero();
    tokens.put("x".repeat(VerifiedTokens.MAX_TOKEN_CHARS), expiringAt(NOW_MS / 1000 + 60), NOW_MS, NOW_NANOS);
    assertThat(tokens.size()).as("a token of exactly the longest length is kept").isEqualTo(1);
  }

  @Test
  void theLeastRecentlyUsedTokenGoesFirstBeyondTheBound() {
    VerifiedTokens tokens = new VerifiedTokens();
    Caller caller = expiringAt(NOW_MS / 1000 + 3600);
    for (int i = 0; i < VerifiedTokens.MAX_ENTRIES; i++) {
      tokens.put("t" + i, caller, NOW_MS, NOW_NANOS);
    }
    assertThat(tokens.get("t0", NOW_MS, NOW_NANOS)).as("used, so now the most recent").isNotNull();
    tokens.put("one-more", caller, NOW_MS, NOW_NANOS);

    assertThat(tokens.size()).isEqualTo(VerifiedTokens.MAX_ENTRIES);
    assertThat(tokens.get("t0", NOW_MS, NOW_NANOS)).isNotNull();
    assertThat(tokens.get("t1", NOW_MS, NOW_NANOS)).as("the least recently used").isNull();
    assertThat(tokens.get("one-more", NOW_MS, NOW_NANOS)).isNotNull();
  }
}
