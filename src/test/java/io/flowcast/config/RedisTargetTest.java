package io.flowcast.config;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code redis.url}, {@code redis.type}, the Sentinel master and TLS trust: parsed and validated at start. */
class RedisTargetTest {
  private static RedisTarget target(Map<String, String> env) {
    return FlowcastConfig.from(ConfigLoader.load(new JsonObject(), env)).redis();
  }

  private static void refused(Map<String, String> env, String key, String problem) {
    assertThatThrownBy(() -> target(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'").hasMessageContaining(problem);
  }

  @Test
  void noUrlMeansNoRedisOnAStandaloneDefault() {
    RedisTarget target = target(Map.of());
    assertThat(target.configured()).isFalse();
    assertThat(target.type()).isEqualTo(RedisClientType.STANDALONE);
    assertThat(target.sentinelMaster()).isEqualTo("mymaster");
    assertThat(target.tls().verifyHost()).isTrue();
  }

  @Test
  void clusterTakesSeveralNodeUrlsFromTheEnvironment() {
    RedisTarget target = target(Map.of("FLOWCAST_REDIS_TYPE", "cluster",
        "FLOWCAST_REDIS_URL", "redis://127.0.0.1:7001, redis://127.0.0.1:7002"));
    assertThat(target.type()).isEqualTo(RedisClientType.CLUSTER);
    assertThat(target.urls()).containsExactly("redis://127.0.0.1:7001", "redis://127.0.0.1:7002");
    assertThat(target.database()).isZero();
  }

  @Test
  void sentinelTakesItsSentinelsAndTheMasterName() {
    RedisTarget target = target(Map.of("FLOWCAST_REDIS_TYPE", "sentinel", "FLOWCAST_REDIS_SENTINEL_MASTER", "main",
        "FLOWCAST_REDIS_URL", "redis://10.0.0.1:26379/2,redis://10.0.0.2:26379/2"));
    assertThat(target.type()).isEqualTo(RedisClientType.SENTINEL);
    assertThat(target.sentinelMaster()).isEqualTo("main");
    assertThat(target.database()).isEqualTo(2);
  }

  @Test
  void anUnknownTypeIsRefused() {
    refused(Map.of("FLOWCAST_REDIS_TYPE", "replicated"), "redis.type", "standalone, cluster, sentinel");
  }

  @Test
  void severalUrlsOnStandaloneAreRefused() {
    refused(Map.of("FLOWCAST_REDIS_URL", "redis://a:1,redis://b:2"), "redis.url", "redis.type is standalone");
  }

  @Test
  void mixingPlainAndTlsUrlsIsRefused() {
    refused(Map.of("FLOWCAST_REDIS_TYPE", "cluster", "FLOWCAST_REDIS_URL", "redis://a:1,rediss://b:2"),
        "redis.url", "mixes redis:// and rediss://");
  }

  @Test
  void aClusterWithADatabaseIsRefused() {
    refused(Map.of("FLOWCAST_REDIS_TYPE", "cluster", "FLOWCAST_REDIS_URL", "redis://a:1/3,redis://b:2/3"),
        "redis.url", "only database 0");
  }

  @Test
  void sentinelWithoutAMasterNameIsRefused() {
    refused(Map.of("FLOWCAST_REDIS_TYPE", "sentinel", "FLOWCAST_REDIS_SENTINEL_MASTER", " ",
        "FLOWCAST_REDIS_URL", "redis://a:26379"), "redis.sentinel.master", "must name the master");
  }

  @Test
  void trustSettingsWithoutTlsAreRefused(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not checked here");
    refused(Map.of("FLOWCAST_REDIS_URL", "redis://a:1", "FLOWCAST_REDIS_TLS_CA_FILE", ca.toString()),
        "redis.tls.ca_file", "not rediss://");
  }

  @Test
  void anUnreadableCaFileIsRefused(@TempDir Path dir) {
    refused(Map.of("FLOWCAST_REDIS_URL", "rediss://a:1",
        "FLOWCAST_REDIS_TLS_CA_FILE", dir.resolve("missing.pem").toString()), "redis.tls.ca_file", "cannot read");
  }

  @Test
  void aClientCertificateNeedsItsKey(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("client.pem"), "not checked here");
    refused(Map.of("FLOWCAST_REDIS_URL", "rediss://a:1", "FLOWCAST_REDIS_TLS_CLIENT_CERT_FILE", cert.toString()),
        "redis.tls.client_key_file", "needs both");
  }

  @Test
  void aBadUrlIsReportedWithoutItsPassword() {
    assertThatThrownBy(() -> target(Map.of("FLOWCAST_REDIS_URL", "rediss://app:hunter2@host:6380/x")))
        .hasMessageContaining("redis.url").hasMessageContaining("rediss://app:***@host:6380/x")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void everyPasswordIsLeftOutOfWhatIsShown() {
    RedisTarget target = target(Map.of("FLOWCAST_REDIS_TYPE", "cluster",
        "FLOWCAST_REDIS_URL", "rediss://app:p1@a:1,rediss://app:p2@b:2"));
    assertThat(target.tlsEnabled()).isTrue();
    assertThat(target.redacted()).isEqualTo("rediss://app:***@a:1,rediss://app:***@b:2");
  }
}
