package io.flowcast.redis;

import io.flowcast.config.RedisTarget;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client options each {@code redis.type} and {@code rediss://} turn into. */
class RedisClientOptionsTest {
  private static final RedisTarget.Tls DEFAULT_TRUST = new RedisTarget.Tls("", true, "", "");

  @Test
  void clusterConnectsThroughEveryListedNode() {
    RedisOptions options = RedisClients.options(new RedisTarget(RedisClientType.CLUSTER,
        List.of("redis://127.0.0.1:7001", "redis://127.0.0.1:7002"), "mymaster", DEFAULT_TRUST), 1000);
    assertThat(options.getType()).isEqualTo(RedisClientType.CLUSTER);
    assertThat(options.getEndpoints()).containsExactly("redis://127.0.0.1:7001", "redis://127.0.0.1:7002");
    assertThat(options.getNetClientOptions().isSsl()).isFalse();
  }

  @Test
  void sentinelAsksForTheNamedMaster() {
    RedisOptions options = RedisClients.options(new RedisTarget(RedisClientType.SENTINEL,
        List.of("redis://127.0.0.1:26379"), "main", DEFAULT_TRUST), 1000);
    assertThat(options.getType()).isEqualTo(RedisClientType.SENTINEL);
    assertThat(options.getMasterName()).isEqualTo("main");
    assertThat(options.getRole()).isEqualTo(RedisRole.MASTER);
  }

  @Test
  void tlsVerifiesTheHostUnlessToldNotTo() {
    RedisOptions verified = RedisClients.options(RedisTarget.standalone("rediss://u:p@127.0.0.1:6380"), 1000);
    assertThat(verified.getNetClientOptions().isSsl()).isTrue();
    assertThat(verified.getNetClientOptions().getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
    RedisOptions unverified = RedisClients.options(new RedisTarget(RedisClientType.STANDALONE,
        List.of("rediss://127.0.0.1:6380"), "mymaster", new RedisTarget.Tls("", false, "", "")), 1000);
    assertThat(unverified.getNetClientOptions().getHostnameVerificationAlgorithm()).isEmpty();
  }
}
