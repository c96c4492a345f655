package io.flowcast;

import io.flowcast.health.Readiness;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a restart of Redis loses, read from its settings, said on /ready and warned about where it matters. */
class RedisPersistenceTest {

  @Test
  void eachSettingSaysWhatARestartLoses() {
    assertThat(settings("yes", "always", "", "noeviction").restartLoses()).isEqualTo("nothing it acknowledged");
    assertThat(settings("yes", "everysec", "", "noeviction").restartLoses()).contains("about one second");
    assertThat(settings("no", "everysec", "3600 1", "noeviction").restartLoses())
        .contains("since its last snapshot");
    assertThat(settings("no", "everysec", "", "noeviction").restartLoses()).contains("everything it holds");
  }

  @Test
  void writeBehindOnARedisWithoutAnAppendOnlyFileIsWarnedAboutAndWriteThroughIsNot() {
    RedisPersistence.Settings volatileRedis = settings("no", "everysec", "", "noeviction");
    assertThat(degraded(volatileRedis, "write-behind", true)).contains("write-behind").contains("appendonly yes");
    assertThat(degraded(volatileRedis, "write-through", true)).as("PostgreSQL confirms before the answer").isEmpty();
    assertThat(degraded(volatileRedis, "write-behind", false)).contains("only copy of every workflow");
    assertThat(degraded(settings("yes", "always", "", "noeviction"), "write-behind", true)).isEmpty();
    assertThat(degraded(settings("yes", "always", "", "allkeys-lru"), "write-behind", true))
        .contains("maxmemory-policy allkeys-lru");
  }

  @Test
  void readyShowsTheSettingsOfTheRedisItRunsOn() throws Exception {
    try (RedisProcess redis = new RedisProcess().withoutAppendOnlyFile().start();
         TestServer onVolatile = TestServer.start(new JsonObject().put("redis.url", redis.url())
             .put("redis.fallback", "none").put("pg.url", TestServer.pgUrl()))) {
      JsonObject ready = onVolatile.api().get("/ready", null).bodyAsJsonObject();
      assertThat(ready.getJsonObject("redis_persistence").getString("appendonly")).isEqualTo("no");
      assertThat(ready.getJsonObject("redis_persistence").getString("restart_loses")).contains("everything");
      assertThat(ready.getJsonArray("degraded").encode()).contains("write-behind acknowledges changes");
    }
    // a Redis of the test's own with an append-only file fsynced on every write loses nothing
    try (RedisProcess redis = new RedisProcess().start();
         TestServer onDurable = TestServer.start(new JsonObject().put("redis.url", redis.url())
             .put("redis.fallback", "none").put("pg.url", TestServer.pgUrl()))) {
      JsonObject ready = onDurable.api().get("/ready", null).bodyAsJsonObject();
      assertThat(ready.getJsonObject("redis_persistence").getString("appendonly")).isEqualTo("yes");
      assertThat(ready.getJsonObject("redis_persistence").getString("restart_loses"))
          .isEqualTo("nothing it acknowledged");
      assertThat(ready.getJsonArray("degraded").encode()).doesNotContain("Redis");
    }
  }

  private static RedisPersistence.Settings settings(String aof, String fsync, String save, String policy) {
    return new RedisPersistence.Settings(aof, fsync, save, policy);
  }

  private static String degraded(RedisPersistence.Settings settings, String mode, boolean postgres) {
    Readiness readiness = new Readiness();
    RedisPersistence.report(settings, mode, postgres, readiness);
    return String.join(" ", readiness.toJson().getJsonArray("degraded").stream().map(String::valueOf).toList());
  }
}
