package io.flowcast.instances;

import io.flowcast.redis.RedisKeys;
import io.flowcast.testsupport.RedisStores;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instance registry contract on Redis (the test script's server, under the run's key prefix), and the
 * layout that lets it run on Redis Cluster: one hash tag, records with a TTL, an index instead of SCAN.
 */
class RedisInstanceRegistryTest extends InstanceRegistryContract {
  private static RedisStores stores;
  private static Vertx vertx;
  private static Redis redis;
  private static final RedisKeys KEYS = new RedisKeys(TestServer.RUN_PREFIX);

  @BeforeAll
  static void connect() {
    stores = new RedisStores();
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, TestServer.redisUrl());
  }

  @AfterAll
  static void disconnect() {
    stores.close();
    redis.close();
    vertx.close().await();
  }

  @Override
  protected InstanceRegistry newRegistry(TestClock clock) {
    return stores.backend(1000, clock).instances();
  }

  @Override
  protected void letLeaseRunOut(Duration ttl) {
    // Redis expires by its own clock: the contract's Eventually waits for it
  }

  @Test
  void theRecordAndTheIndexShareOneHashTagAndTheRecordCarriesItsTtl() {
    InstanceRegistry registry = newRegistry(clock);
    String id = "fc-layout-" + System.nanoTime();
    registry.beat(new InstanceRecord(id, "1", "t", "t", "a:1", 0, 0, null), 5000).await();

    assertThat(KEYS.instance(id)).isEqualTo(TestServer.RUN_PREFIX + "flowcast:instance:{instances}:" + id);
    assertThat(KEYS.instanceIndex()).isEqualTo(TestServer.RUN_PREFIX + "flowcast:instances:{instances}");
    long recordTtl = redis.send(Request.cmd(Command.PTTL).arg(KEYS.instance(id))).await().toLong();
    assertThat(recordTtl).isBetween(1L, 5000L);
    assertThat(redis.send(Request.cmd(Command.PTTL).arg(KEYS.instanceIndex())).await().toLong()).isPositive();
    assertThat(redis.send(Request.cmd(Command.ZSCORE).arg(KEYS.instanceIndex()).arg(id)).await()).isNotNull();
    registry.leave(id).await();
    assertThat(redis.send(Request.cmd(Command.EXISTS).arg(KEYS.instance(id))).await().toInteger()).isZero();
    assertThat(redis.send(Request.cmd(Command.ZSCORE).arg(KEYS.instanceIndex()).arg(id)).await()).isNull();
  }

  @Test
  void anIndexEntryWhoseRecordIsGoneIsNotListed() {
    InstanceRegistry registry = newRegistry(clock);
    String id = "fc-gone-" + System.nanoTime();
    registry.beat(new InstanceRecord(id, "1", "t", "t", "a:1", 0, 0, null), 60_000).await();
    redis.send(Request.cmd(Command.DEL).arg(KEYS.instance(id))).await();

    assertThat(registry.live().await()).extracting(InstanceRecord::id).doesNotContain(id);
  }

  @Test
  void theIndexOutlivesTheShortestLeaseWhileALongerOneRuns() {
    InstanceRegistry registry = newRegistry(clock);
    String longer = "fc-long-" + System.nanoTime();
    String shorter = "fc-short-" + System.nanoTime();
    registry.beat(new InstanceRecord(longer, "1", "t", "t", "a:1", 0, 0, null), 60_000).await();
    registry.beat(new InstanceRecord(shorter, "1", "t", "t", "a:2", 0, 0, null), 200).await();

    assertThat(redis.send(Request.cmd(Command.PTTL).arg(KEYS.instanceIndex())).await().toLong())
        .isGreaterThan(50_000L);
    registry.leave(longer).await();
  }
}
