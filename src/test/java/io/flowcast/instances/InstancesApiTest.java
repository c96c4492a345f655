package io.flowcast.instances;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/system/instances} on the default in-memory run: the server lists itself with its
 * figures, renewed every heartbeat on the clock it is given; only {@code flowcast:admin} (or
 * {@code admin}) may read it.
 */
class InstancesApiTest {
  private static final String PATH = "/api/v1/system/instances";
  private static final TestClock clock = new TestClock();
  /** Named, since a generated id differs between the server and {@code TestServer.config()} (parsed again). */
  private static final String ID = "fc-api-" + UUID.randomUUID().toString().substring(0, 8);
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("instance.id", ID)
      .put("registry.heartbeat_ms", 100).put("registry.ttl_ms", 60_000), clock);

  private static String operator() {
    return server.token("ops", "default", "flowcast:admin");
  }

  private static JsonObject self() {
    HttpResponse<Buffer> answer = server.api().get(PATH, operator());
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    JsonArray instances = answer.bodyAsJsonObject().getJsonArray("instances");
    assertThat(instances).as("the in-memory server is a single instance").hasSize(1);
    return instances.getJsonObject(0);
  }

  @Test
  void theInMemoryServerListsItselfWithEveryField() {
    HttpResponse<Buffer> answer = server.api().get(PATH, operator());
    assertThat(answer.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(answer.getHeader("Cache-Control")).isEqualTo("no-store");

    JsonObject self = self();
    assertThat(self.fieldNames()).containsExactlyInAnyOrder("id", "version", "started_at", "last_seen", "address",
        "streams", "events_per_second", "flush_backlog");
    assertThat(self.getString("id")).isEqualTo(ID);
    assertThat(self.getString("version")).as("the project version, filled in by the build").matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(self.getString("address")).isEqualTo("127.0.0.1:" + server.port());
    assertThat(Instant.parse(self.getString("started_at"))).isBeforeOrEqualTo(Instant.parse(self.getString("last_seen")));
    assertThat(self.getDouble("events_per_second")).isGreaterThanOrEqualTo(0);
    assertThat(self.getValue("flush_backlog")).as("no write buffer without persistence").isNull();
  }

  @Test
  void openStreamsAndDeliveredEventsShowAtTheNextHeartbeat() throws Exception {
    String token = server.token("alice", "t-" + UUID.randomUUID().toString().substring(0, 8), TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "watched"));
    try (SseClient one = server.stream("/api/v1/workflows/watched/stream", token, null);
         SseClient two = server.stream("/api/v1/workflows/watched/stream", token, null)) {
      one.next("snapshot", 5);
      two.next("snapshot", 5);

      JsonObject busy = Eventually.await("two streams and a delivery rate listed", Duration.ofSeconds(5), () -> {
        server.api().post("/api/v1/workflows/watched/events", token, new JsonObject().put("type", "tick"));
        return self();
      }, s -> s.getLong("streams") == 2 && s.getDouble("events_per_second") > 0);
      assertThat(busy.getString("id")).isEqualTo(ID);
    }
    Eventually.await("the closed streams no longer counted", Duration.ofSeconds(5), InstancesApiTest::self,
        s -> s.getLong("streams") == 0);
  }

  @Test
  void lastSeenFollowsTheServersClockWhileStartedAtStays() {
    JsonObject before = self();
    clock.advance(Duration.ofSeconds(30));
    Instant moved = Instant.parse(before.getString("last_seen")).plusSeconds(30);

    JsonObject after = Eventually.await("a heartbeat on the moved clock", Duration.ofSeconds(5),
        InstancesApiTest::self, s -> !Instant.parse(s.getString("last_seen")).isBefore(moved));
    assertThat(after.getString("started_at")).isEqualTo(before.getString("started_at"));
  }

  @Test
  void withoutATokenTheAnswerIs401() {
    HttpResponse<Buffer> answer = server.api().get(PATH, null);
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(answer.getHeader("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void aTokenWithoutTheScopeIs403NamingIt() {
    HttpResponse<Buffer> answer = server.api().get(PATH, server.token("alice", "acme", TestServer.RW));
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(answer.bodyAsJsonObject().getString("type")).isEqualTo("urn:flowcast:problem:forbidden");
    assertThat(answer.bodyAsJsonObject().getString("detail")).contains("flowcast:admin");
  }

  @Test
  void theAdminScopeImpliesIt() {
    HttpResponse<Buffer> answer = server.api().get(PATH, server.token("root", "acme", "admin"));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.bodyAsJsonObject().getJsonArray("instances")).hasSize(1);
  }

  @Test
  void theDevelopmentAccountSignedInWithItsPasswordMayListInstances() {
    HttpResponse<Buffer> login = server.api().send(HttpMethod.POST, "/api/v1/auth/token", null,
        Buffer.buffer("grant_type=password&username=alice&password=alice-dev-password"),
        "application/x-www-form-urlencoded", MultiMap.caseInsensitiveMultiMap());
    assertThat(login.statusCode()).as(login.bodyAsString()).isEqualTo(200);
    assertThat(login.bodyAsJsonObject().getString("scope")).contains("flowcast:admin");

    HttpResponse<Buffer> answer = server.api().get(PATH, login.bodyAsJsonObject().getString("access_token"));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.bodyAsJsonObject().getJsonArray("instances").getJsonObject(0).getString("id"))
        .isEqualTo(ID);
  }
}
