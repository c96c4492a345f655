package io.flowcast.redis;

import io.flowcast.testsupport.FlowcastAcl;
import io.flowcast.testsupport.RedisCluster;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workflow scripts run as the functions of one library (RedisFunctions): loaded when first needed, on
 * every master, loaded again when a node lost it, and left for the scripts by SHA when the user may not
 * load it.
 */
class RedisFunctionsTest {
  private static final String LIBRARY = RedisCalls.functions(library -> io.vertx.core.Future.succeededFuture())
      .library();

  @Test
  void theWorkflowScriptsRunAsFunctionsOfALibraryLoadedWhenFirstNeeded() throws Exception {
    try (RedisProcess redis = new RedisProcess().start();
         TestServer server = TestServer.start(new JsonObject().put("redis.url", redis.url())
             .put("redis.fallback", "none"))) {
      Redis client = client(server, redis.url());
      String token = server.token("alice", "acme", TestServer.RW);
      server.api().create(token, new JsonObject().put("id", "wf"));
      assertThat(server.api().patch("/api/v1/workflows/wf", token, new JsonObject().put("status", "running"), null)
          .statusCode()).isEqualTo(200);

      assertThat(libraries(client)).contains(LIBRARY);
      assertThat(calls(client, "fcall")).as("create and patch, as functions").isGreaterThanOrEqualTo(2);
      // by SHA, a fresh Redis would have answered NOSCRIPT and been sent the script whole, and kept it
      String bySha = RedisScripts.sha1(RedisScripts.read("_lib") + "\n" + RedisScripts.BEGIN + RedisScripts.read("patch"));
      assertThat(client.send(Request.cmd(Command.SCRIPT).arg("EXISTS").arg(bySha)).await().get(0).toInteger())
          .as("patch never ran by SHA").isZero();
    }
  }

  @Test
  void aRedisThatLostTheLibraryIsGivenItAgainAndTheCallGoesThrough() throws Exception {
    try (RedisProcess redis = new RedisProcess().start();
         TestServer server = TestServer.start(new JsonObject().put("redis.url", redis.url())
             .put("redis.fallback", "none"))) {
      Redis client = client(server, redis.url());
      String token = server.token("alice", "acme", TestServer.RW);
      server.api().create(token, new JsonObject().put("id", "wf"));
      client.send(Request.cmd(Command.FUNCTION).arg("FLUSH")).await();
      assertThat(libraries(client)).isEmpty();

      assertThat(server.api().patch("/api/v1/workflows/wf", token, new JsonObject().put("status", "running"), null)
          .statusCode()).isEqualTo(200);
      assertThat(libraries(client)).contains(LIBRARY);
      assertThat(server.api().get("/api/v1/workflows/wf", token).bodyAsJsonObject().getLong("version")).isEqualTo(2);
    }
  }

  @Test
  void aUserThatMayNotLoadFunctionsRunsTheScriptsBySha() throws Exception {
    String password = UUID.randomUUID().toString();
    List<String> acl = new ArrayList<>(FlowcastAcl.aclFile("fn:", password));
    acl.set(1, acl.get(1).replace(" +function|load", "").replace(" +fcall", ""));
    try (RedisProcess redis = new RedisProcess().withAclUsers(acl).withArgs("--notify-keyspace-events", "Ex").start();
         TestServer server = TestServer.start(new JsonObject().put("redis.url", "redis://" + FlowcastAcl.USER + ":"
             + password + "@127.0.0.1:" + redis.port()).put("redis.fallback", "none").put("redis.key_prefix", "fn:"))) {
      String token = server.token("alice", "acme", TestServer.RW);
      server.api().create(token, new JsonObject().put("id", "wf"));
      assertThat(server.api().patch("/api/v1/workflows/wf", token, new JsonObject().put("status", "running"), null)
          .statusCode()).isEqualTo(200);
      assertThat(server.api().get("/api/v1/workflows/wf", token).bodyAsJsonObject().getLong("version")).isEqualTo(2);
    }
  }

  @Test
  void onAClusterEveryMasterHoldsTheLibrary() throws Exception {
    RedisCluster cluster = RedisCluster.shared();
    try (TestServer server = TestServer.start(TestServer.onCluster())) {
      String token = server.token("alice", "t-" + UUID.randomUUID().toString().substring(0, 8), TestServer.RW);
      for (int i = 0; i < 8; i++) {
        server.api().create(token, new JsonObject().put("id", "wf-" + i));
        assertThat(server.api().patch("/api/v1/workflows/wf-" + i, token, new JsonObject().put("status", "running"),
            null).statusCode()).isEqualTo(200);
      }
      int masters = 0;
      for (int port : cluster.ports()) {
        Redis node = client(server, "redis://127.0.0.1:" + port);
        if (node.send(Request.cmd(Command.ROLE)).await().get(0).toString().equals("master")) {
          masters++;
          assertThat(libraries(node)).as("master on %d", port).contains(LIBRARY);
        }
      }
      assertThat(masters).isEqualTo(3);
    }
  }

  private static Redis client(TestServer server, String url) {
    return Redis.createClient(server.vertx(), new RedisOptions().setConnectionString(url)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2));
  }

  private static List<String> libraries(Redis client) {
    List<String> names = new ArrayList<>();
    for (Response library : client.send(Request.cmd(Command.FUNCTION).arg("LIST")).await()) {
      for (int i = 0; i + 1 < library.size(); i += 2) {
        if (library.get(i).toString().equals("library_name")) {
          names.add(library.get(i + 1).toString());
        }
      }
    }
    return names;
  }

  private static long calls(Redis client, String command) {
    String stats = client.send(Request.cmd(Command.INFO).arg("commandstats")).await().toString();
    for (String line : stats.split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command + ":calls=")) {
        return Long.parseLong(line.substring(("cmdstat_" + command + ":calls=").length()).split(",")[0]);
      }
    }
    return 0;
  }
}
