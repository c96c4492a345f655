package io.flowcast.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The GCRA arithmetic (the local limiter; lua/ratelimit.lua is the same) and the header fields, on a clock of the test's own. */
class GcraTest {
  private static final long SECOND = 1_000_000;
  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
  private final LocalRateLimiter limiter = new LocalRateLimiter(clock::get);
  private final Quota write = new Quota("write", 60, 3);

  private Decision take() {
    return limiter.take(write, "acme:alice").result();
  }

  @Test
  void aWholeQuotaAdmitsTheBurstAtOnceThenOneRequestPerInterval() {
    assertThat(take().remaining()).isEqualTo(2);
    assertThat(take().remaining()).isEqualTo(1);
    assertThat(take().remaining()).isEqualTo(0);
    Decision refused = take();
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterMicros()).isEqualTo(SECOND);
    clock.addAndGet(SECOND - 1);
    assertThat(take().allowed()).isFalse();
    clock.addAndGet(1);
    Decision admitted = take();
    assertThat(admitted.allowed()).isTrue();
    assertThat(admitted.remaining()).isZero();
    assertThat(admitted.resetAfterMicros()).isEqualTo(3 * SECOND);
  }

  @Test
  void partitionsAndPoliciesHaveQuotasOfTheirOwn() {
    for (int i = 0; i < 3; i++) {
      take();
    }
    assertThat(take().allowed()).isFalse();
    assertThat(limiter.take(write, "acme:bob").result().allowed()).isTrue();
    assertThat(limiter.take(new Quota("read", 60, 3), "acme:alice").result().allowed()).isTrue();
  }

  @Test
  void noWindowEverAdmitsMoreThanBurstPlusItsLengthInIntervals() {
    Random random = new Random(7);
    Deque<Long> admitted = new ArrayDeque<>();
    for (int i = 0; i < 20_000; i++) {
      clock.addAndGet(random.nextInt(400_000));
      if (take().allowed()) {
        admitted.addLast(clock.get());
      }
    }
    long[] times = admitted.stream().mapToLong(Long::longValue).toArray();
    for (int from = 0; from < times.length; from++) {
      for (int to = from; to < times.length && to < from + 50; to++) {
        long window = times[to] - times[from];
        assertThat(to - from + 1L).isLessThanOrEqualTo(write.burst() + window / write.intervalMicros());
      }
    }
  }

  @Test
  void headersFollowTheStructuredFieldSyntaxOfTheDraft() {
    Quota quota = new Quota("write", 3000, 100);
    assertThat(RateLimitHeaders.policy(quota)).isEqualTo("\"write\";q=100;w=2");
    Decision first = limiter.take(quota, "acme:carol").result();
    assertThat(RateLimitHeaders.limit(first)).isEqualTo("\"write\";r=99;t=1");
    Decision refused = new Decision(quota, false, 0, 1_500_000, 2_000_000);
    assertThat(refused.retryAfterSeconds()).isEqualTo(2);
    assertThat(RateLimitHeaders.limit(refused)).isEqualTo("\"write\";r=0;t=2");
    assertThat(RateLimitHeaders.concurrencyPolicy("streams", 50)).isEqualTo("\"streams\";q=50;qu=\"concurrent-requests\"");
    assertThat(new Quota("token", 7, 1).intervalMicros()).isEqualTo(8_571_429);
  }

  @Test
  void localStreamSlotsCapAndRelease() {
    LocalStreamSlots slots = new LocalStreamSlots();
    StreamSlots.Slot one = slots.acquire("acme:alice", 2).result();
    StreamSlots.Slot two = slots.acquire("acme:alice", 2).result();
    assertThat(two.open()).isEqualTo(2);
    assertThat(slots.acquire("acme:alice", 2).result().granted()).isFalse();
    one.release();
    one.release();
    assertThat(slots.acquire("acme:alice", 2).result().granted()).isTrue();
    assertThat(slots.acquire("acme:alice", 2).result().granted()).isFalse();
    assertThat(two.granted()).isTrue();
  }
}
