package io.flowcast.redis;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.ManagedRedis;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two instances with PostgreSQL behind them on a managed Redis (TLS only, the ACL user of docs/REDIS.md):
 * streams across instances, drafts, snapshots, actions, refresh tokens, rate limits (failing closed, so a
 * refused command would show), expiry and the flusher all run on exactly the documented commands.
 */
class ManagedRedisServerTest {
  private static final String PREFIX = "fc-managed:";
  private static ManagedRedis managed;
  private static TestServer a;
  private static TestServer b;
  private static Databases db;

  @BeforeAll
  static void start() throws Exception {
    managed = ManagedRedis.start(PREFIX);
    JsonObject config = managed.config().put("pg.url", TestServer.pgUrl()).put("flush.interval_ms", 200)
        .put("ratelimit.enabled", true).put("ratelimit.fail_mode", "closed");
    a = TestServer.start(config);
    b = TestServer.start(config);
    db = new Databases(a.vertx(), PREFIX);
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
    b.close();
    a.close();
    managed.close();
  }

  @Test
  void aStreamOnOneInstanceSeesWritesOnTheOtherAndPostgresGetsThem() throws Exception {
    String tenant = tenant();
    String token = a.token("alice", tenant, TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "wf").put("state", new JsonObject().put("step", 1)));
    try (SseClient stream = b.stream("/api/v1/workflows/wf/stream", token, null)) {
      assertThat(stream.next("snapshot", 5)).isNotNull();
      assertThat(a.api().patch("/api/v1/workflows/wf", token, new JsonObject()
          .put("state", new JsonObject().put("step", 2)), null).statusCode()).isEqualTo(200);
      SseEvent updated = stream.next(5);
      assertThat(updated.event()).isEqualTo("state.updated");
      assertThat(updated.seq()).isEqualTo(2);
    }
    db.awaitFlushed(tenant, "wf", 2);
  }

  @Test
  void draftsSnapshotsActionsAndListingsWorkAcrossInstances() {
    String token = a.token("alice", tenant(), TestServer.RW);
    String wf = "/api/v1/workflows/doc";
    a.api().create(token, new JsonObject().put("id", "doc").put("state", new JsonObject()));
    assertThat(a.api().send(HttpMethod.PUT, wf + "/drafts/intro", token, Buffer.buffer(new JsonObject()
        .put("raw_draft", "hello").put("diff_summary", "+hello").encode()), "application/json").statusCode())
        .isEqualTo(200);
    assertThat(b.api().post(wf + "/drafts/intro/commit", token, null).statusCode()).isEqualTo(200);
    assertThat(b.api().post(wf + "/snapshots", token, new JsonObject().put("label", "v2")).statusCode())
        .isEqualTo(201);
    assertThat(a.api().post(wf + "/rollback", token, new JsonObject().put("version", 1)).statusCode())
        .isEqualTo(200);

    String id = a.api().post(wf + "/actions", token, new JsonObject().put("type", "job").put("payload", 1))
        .bodyAsJsonObject().getString("id");
    assertThat(b.api().post(wf + "/actions/claim", token, new JsonObject().put("worker", "w-1"))
        .bodyAsJsonObject().getString("id")).isEqualTo(id);
    assertThat(a.api().post(wf + "/actions/" + id + "/complete", token, new JsonObject().put("result", 2))
        .bodyAsJsonObject().getString("status")).isEqualTo("completed");

    // with PostgreSQL the listing is served from it: the workflow appears once flushed
    io.flowcast.testsupport.Eventually.await("the workflow listed", java.time.Duration.ofSeconds(10),
        () -> b.api().get("/api/v1/workflows", token).bodyAsJsonObject().getJsonArray("items"), items -> items.size() == 1);
    assertThat(a.api().delete(wf, token).statusCode()).isEqualTo(204);
    assertThat(b.api().get(wf, token).statusCode()).isEqualTo(404);
  }

  @Test
  void refreshTokensRotateAcrossInstancesUnderSharedRateLimits() {
    // with PostgreSQL configured, accounts live there
    String user = "user-" + UUID.randomUUID().toString().substring(0, 8);
    db.sql("INSERT INTO auth_accounts (username, password_bcrypt, tenant, scope) VALUES ($1, $2, $3, $4)", user,
        OpenBSDBCrypt.generate("2b", "s3cret-pass".toCharArray(), new byte[16], 4), tenant(), TestServer.RW);
    JsonObject login = token(a, "grant_type=password&username=" + user + "&password=s3cret-pass");
    JsonObject refreshed = token(b, "grant_type=refresh_token&refresh_token=" + login.getString("refresh_token"));
    HttpResponse<Buffer> read = b.api().get("/api/v1/workflows", refreshed.getString("access_token"));
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.getHeader("RateLimit")).as("the shared limit answered, in Redis").contains("read");
    HttpResponse<Buffer> reused = form(a, "grant_type=refresh_token&refresh_token=" + login.getString("refresh_token"));
    assertThat(reused.statusCode()).as("a rotated refresh token is spent").isEqualTo(400);
  }

  @Test
  void expiryIsAnnouncedToAStreamOnTheOtherInstance() {
    String token = a.token("alice", tenant(), TestServer.RW);
    a.api().create(token, new JsonObject().put("id", "short").put("ttl_seconds", 1));
    try (SseClient stream = b.stream("/api/v1/workflows/short/stream", token, null)) {
      assertThat(stream.next("snapshot", 5)).isNotNull();
      assertThat(stream.next(10).event()).isEqualTo("workflow.expired");
    }
  }

  @Test
  void bothInstancesAreReadyWithNothingDegraded() {
    for (TestServer server : new TestServer[] {a, b}) {
      JsonObject ready = server.api().get("/ready", null).bodyAsJsonObject();
      assertThat(ready.getBoolean("ready")).as(ready.encode()).isTrue();
      assertThat(ready.getJsonArray("degraded")).as(ready.encode()).isEmpty();
      assertThat(ready.encode()).doesNotContain(managed.password()).contains("rediss://flowcast:***@");
    }
  }

  @Test
  void theUserMayNotTouchKeysOutsideItsPrefix() {
    Redis direct = RedisClients.pooled(a.vertx(), managed.target(), 1, 2000);
    try {
      direct.send(Request.cmd(Command.SET).arg(PREFIX + "mine").arg("1")).await();
      assertThatThrownBy(() -> direct.send(Request.cmd(Command.SET).arg("other:key").arg("1")).await())
          .hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> direct.send(Request.cmd(Command.FLUSHALL)).await()).hasMessageContaining("NOPERM");
    } finally {
      direct.close();
    }
  }

  private static JsonObject token(TestServer on, String form) {
    HttpResponse<Buffer> r = form(on, form);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> form(TestServer on, String form) {
    return on.api().send(HttpMethod.POST, "/api/v1/auth/token", null, Buffer.buffer(form),
        "application/x-www-form-urlencoded", MultiMap.caseInsensitiveMultiMap());
  }

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
