package io.flowcast.flush;

import io.flowcast.Main;
import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM: the instance drains its write buffer into PostgreSQL before it exits. */
class GracefulDrainTest {
  private static final int REDIS_DB = 8;

  @Test
  void sigtermFlushesEverythingBufferedBeforeExit() throws Exception {
    Vertx vertx = Vertx.vertx();
    Process server = null;
    try (Databases db = new Databases(vertx, REDIS_DB)) {
      db.flushRedis();
      JsonObject config = TestServer.onRedisWithPg(REDIS_DB);
      int port = TestServer.freePort();
      Path log = Files.createTempFile("flowcast-drain", ".log");
      ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), Main.class.getName())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("FLOWCAST_HTTP_PORT", String.valueOf(port));
      builder.environment().put("FLOWCAST_REDIS_URL", config.getString("redis.url"));
      builder.environment().put("FLOWCAST_PG_URL", config.getString("pg.url"));
      // nothing is flushed before the shutdown: a long interval and a threshold never reached
      builder.environment().put("FLOWCAST_FLUSH_INTERVAL_MS", "600000");
      builder.environment().put("FLOWCAST_FLUSH_THRESHOLD", "1000000");
      server = builder.start();
      WebClient client = WebClient.create(vertx);
      long deadline = System.currentTimeMillis() + 30_000;
      boolean ready = false;
      while (!ready && System.currentTimeMillis() < deadline) {
        try {
          ready = client.get(port, "127.0.0.1", "/ready").send().await().statusCode() == 200;
        } catch (Exception notYet) {
          Thread.sleep(200);
        }
      }
      assertThat(ready).as(Files.readString(log)).isTrue();

      String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
      String token = TestServer.defaultToken(vertx, "drainer", tenant);
      assertThat(client.post(port, "127.0.0.1", "/api/v1/workflows").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("id", "buffered")).await().statusCode()).isEqualTo(201);
      for (int i = 0; i < 300; i++) {
        assertThat(client.post(port, "127.0.0.1", "/api/v1/workflows/buffered/events")
            .putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new JsonObject().put("type", "step")).await().statusCode()).isEqualTo(201);
      }
      assertThat(db.flushedSeqs(tenant, "buffered")).as("nothing flushed before the shutdown").isEmpty();

      server.destroy(); // SIGTERM
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(db.flushedSeqs(tenant, "buffered"))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 301).boxed().toList());
    } finally {
      if (server != null && server.isAlive()) {
        server.destroyForcibly();
      }
      vertx.close().await();
    }
  }
}
