package io.flowcast.redis;

import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expiry notifications are pub/sub, at most once: a workflow whose state went while the instance's
 * subscribed connection was down is announced expired once the connection is back.
 */
class MissedExpiryTest {

  @Test
  void aWorkflowThatExpiredWhilePubSubWasDownIsAnnouncedOnReconnect() throws Exception {
    try (RedisProcess redis = new RedisProcess().start();
         TestServer server = TestServer.start(new JsonObject().put("redis.url", redis.url())
             .put("redis.fallback", "none").put("redis.timeout_ms", 500))) {
      String token = server.token("ops", "acme", TestServer.RW);
      server.api().create(token, new JsonObject().put("id", "brief").put("ttl_seconds", 600));
      Redis direct = Redis.createClient(server.vertx(), redis.url());
      try (SseClient sse = server.stream("/api/v1/workflows/brief/stream", token, null)) {
        sse.next("snapshot", 5);
        // the state goes without a notification (as if it expired while nobody listened), then the
        // subscribed connection drops
        direct.send(Request.cmd(Command.DEL).arg(new RedisKeys("").state(new WorkflowKey("acme", "brief")))).await();
        direct.send(Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("pubsub")).await();

        SseEvent expired = sse.next(10);
        assertThat(expired.event()).isEqualTo("workflow.expired");
        assertThat(expired.seq()).isEqualTo(2);
        assertThat(sse.awaitEnd(5)).isTrue();
      } finally {
        direct.close();
      }
    }
  }
}
