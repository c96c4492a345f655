package io.flowcast.ratelimit;

import io.flowcast.redis.RedisClients;
import io.flowcast.redis.RedisKeys;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Stream slots are leases: an instance that stops extending them (killed) loses them; one that extends them keeps them. */
class StreamLeaseTest {
  private static final long LEASE_MS = 2_000;
  private static Vertx vertx;
  private static Redis redis;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = RedisClients.pooled(vertx, TestServer.redisUrl(), 2, 2000);
  }

  @AfterAll
  static void stop() {
    redis.close();
    vertx.close().await();
  }

  @Test
  void aKilledInstancesStreamsAgeOutWhileALiveInstanceKeepsItsOwn() throws Exception {
    String subject = Limits.tenant() + ":alice";
    RedisStreamSlots killed = new RedisStreamSlots(redis, new RedisKeys(TestServer.RUN_PREFIX), "killed", LEASE_MS);
    RedisStreamSlots alive = new RedisStreamSlots(redis, new RedisKeys(TestServer.RUN_PREFIX), "alive", LEASE_MS);
    assertThat(alive.acquire(subject, 2).await().granted()).isTrue();
    assertThat(killed.acquire(subject, 2).await().granted()).isTrue();
    assertThat(alive.acquire(subject, 2).await().granted()).isFalse();

    // "killed" never extends its lease; "alive" does, well within each lease
    StreamSlots.Slot freed = Eventually.await("the killed instance's stream aged out", Duration.ofMillis(4 * LEASE_MS),
        () -> {
          alive.refresh().await();
          return alive.acquire(subject, 2).await();
        }, StreamSlots.Slot::granted);
    long until = System.currentTimeMillis() + 2 * LEASE_MS;
    while (System.currentTimeMillis() < until) {
      alive.refresh().await();
      Thread.sleep(LEASE_MS / 8);
    }
    assertThat(alive.acquire(subject, 2).await().granted()).as("both extended streams still count").isFalse();

    freed.release();
    Eventually.await("a released slot free", Duration.ofMillis(4 * LEASE_MS), () -> {
      alive.refresh().await();
      return alive.acquire(subject, 2).await();
    }, StreamSlots.Slot::granted);
    assertThat(alive.held()).isEqualTo(2);
  }
}
