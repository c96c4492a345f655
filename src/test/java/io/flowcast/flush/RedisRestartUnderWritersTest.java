package io.flowcast.flush;

import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.TestServer;
import io.flowcast.testsupport.Writers;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault the durability promise is about: two instances on one Redis that keeps nothing on disk, and
 * PostgreSQL; writers on both instances; Redis is killed and started again, empty. Every acknowledged
 * event is then either in the history with what it carried, or counted lost (write-behind's unflushed
 * tail; none with write-through); no id ever names another event, and none appears twice.
 */
class RedisRestartUnderWritersTest {

  @ParameterizedTest
  @ValueSource(strings = {"write-behind", "write-through"})
  void afterRedisLostEverythingNoAcknowledgedIdNamesAnotherEvent(String mode) throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    try (RedisProcess redis = new RedisProcess().withoutAppendOnlyFile().start()) {
      JsonObject config = new JsonObject().put("redis.url", redis.url()).put("redis.fallback", "none")
          .put("redis.timeout_ms", 500).put("pg.url", TestServer.pgUrl()).put("persistence.mode", mode)
          .put("flush.interval_ms", 100).put("flush.claim_idle_ms", 1000);
      try (TestServer a = TestServer.start(config); TestServer b = TestServer.start(config)) {
        String token = a.token("writer", tenant, TestServer.RW);
        for (int w = 0; w < 4; w++) {
          a.api().create(token, new JsonObject().put("id", "w" + w));
        }
        Writers writers = Writers.start(List.of(a.api(), b.api()), token, 4);
        Thread.sleep(1500);
        redis.kill();
        Thread.sleep(1000);
        redis.start(); // empty: it kept nothing on disk
        Thread.sleep(2500);
        Writers.Audit audit = writers.stop().audit(a.api(), token);

        System.out.println(mode + ": " + audit);
        assertThat(audit.acknowledged()).as("writes went on before and after the restart").isGreaterThan(40);
        assertThat(audit.renumbered()).as("an acknowledged id never names another event").isZero();
        assertThat(audit.duplicated()).isZero();
        if (mode.equals("write-through")) {
          assertThat(audit.lost()).as("write-through acknowledges only what PostgreSQL has").isZero();
        }
      }
    }
  }
}
