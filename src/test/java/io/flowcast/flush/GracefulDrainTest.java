package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.FlowcastProcess;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM: the instance drains its write buffer into PostgreSQL before it exits. */
class GracefulDrainTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(GracefulDrainTest.class);

  @Test
  void sigtermFlushesEverythingBufferedBeforeExit() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Databases db = new Databases(vertx, KEY_PREFIX)) {
      db.flushRedis();
      JsonObject config = TestServer.onRedisWithPg(KEY_PREFIX);
      // nothing is flushed before the shutdown: a long interval and a threshold never reached
      try (FlowcastProcess server = FlowcastProcess.start(vertx, Map.of(
          "FLOWCAST_REDIS_URL", config.getString("redis.url"),
              "FLOWCAST_REDIS_KEY_PREFIX", config.getString("redis.key_prefix"),
          "FLOWCAST_PG_URL", config.getString("pg.url"),
          "FLOWCAST_FLUSH_INTERVAL_MS", "600000",
          "FLOWCAST_FLUSH_THRESHOLD", "1000000"))) {
        WebClient client = WebClient.create(vertx);
        server.await(client, "/ready");
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestServer.defaultToken(vertx, "drainer", tenant);
        assertThat(client.post(server.port(), "127.0.0.1", "/api/v1/workflows")
            .putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new JsonObject().put("id", "buffered")).await().statusCode()).isEqualTo(201);
        for (int i = 0; i < 300; i++) {
          assertThat(client.post(server.port(), "127.0.0.1", "/api/v1/workflows/buffered/events")
              .putHeader("Authorization", "Bearer " + token)
              .sendJsonObject(new JsonObject().put("type", "step")).await().statusCode()).isEqualTo(201);
        }
        assertThat(db.flushedSeqs(tenant, "buffered")).as("nothing flushed before the shutdown").isEmpty();

        assertThat(server.terminate(60)).isTrue();
        assertThat(db.flushedSeqs(tenant, "buffered"))
            .containsExactlyElementsOf(LongStream.rangeClosed(1, 301).boxed().toList());
      }
    } finally {
      vertx.close().await();
    }
  }
}
