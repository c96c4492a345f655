package io.flowcast.redis;

import io.flowcast.config.ConfigException;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Instances on one key prefix must shard workflows alike: a start with another redis.shards is refused. */
class ShardLayoutTest {
  private static final String PREFIX = TestServer.keyPrefix(ShardLayoutTest.class);

  @Test
  void aStartWithAnotherShardCountThanTheDataWasWrittenWithIsRefusedNamingTheKey() {
    JsonObject sixteen = TestServer.onRedis().put("redis.key_prefix", PREFIX).put("redis.shards", 16);
    try (TestServer first = TestServer.start(sixteen); TestServer same = TestServer.start(sixteen)) {
      String token = first.token("u", "t-layout", TestServer.RW);
      first.api().create(token, new JsonObject().put("id", "wf"));
      assertThat(same.api().get("/api/v1/workflows/wf", token).statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> TestServer.start(TestServer.onRedis().put("redis.key_prefix", PREFIX)
          .put("redis.shards", 8)).close())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("redis.shards").hasMessageContaining("is 8")
          .hasMessageContaining("shards=16");
    }
  }
}
