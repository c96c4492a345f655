package io.flowcast.flush;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** While Redis does not answer, writes are refused at once and reads are served from PostgreSQL. */
class RedisDownReadsTest {

  @Test
  void whileRedisIsDownWorkflowsAndTheirHistoryAreReadFromPostgresAndWritesAnswer503() throws Exception {
    Vertx vertx = Vertx.vertx();
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    try (Databases db = new Databases(vertx, TestServer.keyPrefix(RedisDownReadsTest.class));
         RedisProcess redis = new RedisProcess().start();
         TestServer server = TestServer.start(new JsonObject().put("redis.url", redis.url())
             .put("redis.fallback", "none").put("redis.timeout_ms", 500).put("pg.url", TestServer.pgUrl())
             .put("flush.interval_ms", 100))) {
      String token = server.token("ops", tenant, TestServer.RW);
      String path = "/api/v1/workflows/kept";
      server.api().create(token, new JsonObject().put("id", "kept").put("state", new JsonObject().put("n", 1)));
      for (int i = 0; i < 3; i++) {
        server.api().post(path + "/events", token, new JsonObject().put("type", "tick"));
      }
      db.awaitFlushed(tenant, "kept", 4);
      List<String> ids = server.api().get(path + "/events", token).bodyAsJsonObject().getJsonArray("events").stream()
          .map(e -> ((JsonObject) e).getString("id")).toList();

      redis.kill();

      var read = server.api().get(path, token);
      assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
      assertThat(read.bodyAsJsonObject().getJsonObject("state")).isEqualTo(new JsonObject().put("n", 1));
      var history = server.api().get(path + "/events", token);
      assertThat(history.statusCode()).isEqualTo(200);
      assertThat(history.bodyAsJsonObject().getJsonArray("events").stream()
          .map(e -> ((JsonObject) e).getString("id")).toList()).isEqualTo(ids);
      assertThat(server.api().get(path + "/events?after=" + ids.get(1), token).bodyAsJsonObject()
          .getJsonArray("events")).hasSize(2);
      assertThat(server.api().get("/api/v1/workflows/never", token).statusCode()).isEqualTo(404);
      var write = server.api().post(path + "/events", token, new JsonObject().put("type", "refused"));
      assertThat(write.statusCode()).isEqualTo(503);
      assertThat(write.getHeader("Retry-After")).isNotNull();
    } finally {
      vertx.close().await();
    }
  }
}
