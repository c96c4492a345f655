package io.flowcast.presence;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestClock;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence over real HTTP and SSE (docs/API.md, "Presence"), the same on every backend: a stream opened with
 * {@code ?presence=} joins and leaves, a subject is one member across its streams, {@code PUT} sets a status
 * that a renewal does not record again, a lease that runs out (the clock moved past it) is swept into a
 * {@code presence.left} with reason {@code expired}, and bad input is refused before anything changes.
 * The servers run on a {@link TestClock}, with leases of {@link #LEASE_MS} (so streams never renew within a
 * test) and a quick sweep.
 */
abstract class PresenceContract {
  static final long LEASE_MS = 60_000;
  static final String WORKFLOWS = "/api/v1/workflows";

  abstract StartedServer server();

  abstract TestClock clock();

  static JsonObject settings(JsonObject base) {
    return base.put("presence.lease_ms", LEASE_MS).put("presence.sweep_ms", 100);
  }

  private String tenant;
  private String alice;
  private String bob;

  @BeforeEach
  void newTenant() {
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    alice = server().token("alice", tenant, TestServer.RW);
    bob = server().token("bob", tenant, "workflows:read");
  }

  private JsonArray members(String id) {
    HttpResponse<Buffer> answer = server().api().get(WORKFLOWS + "/" + id + "/presence", alice);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    return answer.bodyAsJsonObject().getJsonArray("members");
  }

  private HttpResponse<Buffer> put(String id, String token, JsonObject body) {
    return server().api().send(HttpMethod.PUT, WORKFLOWS + "/" + id + "/presence", token,
        body == null ? null : body.toBuffer(), body == null ? null : "application/json");
  }

  /** A watcher's stream of the workflow, past its snapshot. */
  private SseClient watch(String id) {
    SseClient watcher = server().stream(WORKFLOWS + "/" + id + "/stream", alice, null);
    assertThat(watcher.status()).isEqualTo(200);
    watcher.next("snapshot", 5);
    return watcher;
  }

  private static JsonObject data(SseEvent event) {
    return event.json().getJsonObject("data");
  }

  @Test
  void aStreamWithPresenceJoinsWhileItLivesAndLeavesWhenItEnds() throws InterruptedException {
    server().api().create(alice, new JsonObject().put("id", "doc"));
    try (SseClient watcher = watch("doc")) {
      SseClient bobs = server().stream(WORKFLOWS + "/doc/stream?presence=typing", bob, null);
      assertThat(bobs.status()).isEqualTo(200);
      SseEvent joined = watcher.next("presence.joined", 5);
      assertThat(data(joined)).isEqualTo(new JsonObject().put("subject", "bob").put("status", "typing"));
      assertThat(joined.json().getString("actor")).isEqualTo("bob");
      JsonArray listed = members("doc");
      assertThat(listed).hasSize(1);
      assertThat(listed.getJsonObject(0).getString("subject")).isEqualTo("bob");
      assertThat(listed.getJsonObject(0).getString("status")).isEqualTo("typing");
      assertThat(listed.getJsonObject(0).getString("joined_at")).isNotNull();
      // bob joined before his stream opened: its snapshot already counts the join (a log event like any other)
      assertThat(bobs.next("snapshot", 5).json().getLong("seq")).isGreaterThanOrEqualTo(joined.seq());

      bobs.close();
      SseEvent left = watcher.next("presence.left", 5);
      assertThat(data(left)).isEqualTo(new JsonObject().put("subject", "bob").put("reason", "left"));
      assertThat(members("doc")).isEmpty();
      // in the log for a client that resumes: the join, then the leave
      JsonArray log = server().api().get(WORKFLOWS + "/doc/events", alice).bodyAsJsonObject().getJsonArray("events");
      assertThat(log.stream().map(e -> ((JsonObject) e).getString("type")).toList())
          .containsExactly("workflow.created", "presence.joined", "presence.left");
      assertThat(server().api().get(WORKFLOWS + "/doc", alice).bodyAsJsonObject().getLong("version"))
          .as("presence does not change the version").isEqualTo(1);
    }
  }

  private List<String> types(String id) {
    return server().api().get(WORKFLOWS + "/" + id + "/events", alice).bodyAsJsonObject().getJsonArray("events")
        .stream().map(e -> ((JsonObject) e).getString("type")
            + (((JsonObject) e).getString("type").startsWith("presence.") ? ":" + ((JsonObject) e).getValue("data") : ""))
        .toList();
  }

  @Test
  void aSubjectIsOneMemberAcrossItsStreamsAndLeavesWithItsLast() throws InterruptedException {
    server().api().create(alice, new JsonObject().put("id", "doc"));
    double open = server().api().metric("flowcast_sse_streams_open");
    try (SseClient watcher = watch("doc")) {
      SseClient first = server().stream(WORKFLOWS + "/doc/stream?presence=", bob, null);
      watcher.next("presence.joined", 5);
      SseClient second = server().stream(WORKFLOWS + "/doc/stream?presence=", bob, null);
      second.next("snapshot", 5);
      first.close();
      Eventually.until("the first stream closed on the server", Duration.ofSeconds(5),
          () -> server().api().metric("flowcast_sse_streams_open") == open + 2);
      // a marker after the first stream's end: alice's own join
      assertThat(put("doc", alice, new JsonObject()).statusCode()).isEqualTo(200);
      assertThat(watcher.next(5).event()).as("no leave of bob's between").isEqualTo("presence.joined");
      assertThat(members("doc").stream().map(m -> ((JsonObject) m).getString("subject")).toList())
          .containsExactly("alice", "bob");

      second.close();
      SseEvent left = watcher.next("presence.left", 5);
      assertThat(data(left).getString("subject")).isEqualTo("bob");
      assertThat(types("doc")).containsExactly("workflow.created",
          "presence.joined:{\"subject\":\"bob\",\"status\":null}",
          "presence.joined:{\"subject\":\"alice\",\"status\":null}",
          "presence.left:{\"subject\":\"bob\",\"reason\":\"left\"}");
    }
  }

  @Test
  void putSetsAStatusARenewalRecordsNothingAndDeleteLeaves() {
    server().api().create(alice, new JsonObject().put("id", "doc"));
    HttpResponse<Buffer> joined = put("doc", bob, new JsonObject().put("status", "thinking"));
    assertThat(joined.statusCode()).as(joined.bodyAsString()).isEqualTo(200);
    assertThat(joined.bodyAsJsonObject().getJsonArray("members").getJsonObject(0).getString("status"))
        .isEqualTo("thinking");
    assertThat(put("doc", bob, new JsonObject().put("status", "thinking")).statusCode()).as("a renewal").isEqualTo(200);
    assertThat(put("doc", bob, new JsonObject().put("status", "working")).statusCode()).isEqualTo(200);
    assertThat(put("doc", bob, null).statusCode()).as("no body: no status").isEqualTo(200);
    assertThat(members("doc").getJsonObject(0).getValue("status")).isNull();
    HttpResponse<Buffer> left = server().api().delete(WORKFLOWS + "/doc/presence", bob);
    assertThat(left.statusCode()).isEqualTo(204);
    assertThat(server().api().delete(WORKFLOWS + "/doc/presence", bob).statusCode()).as("again").isEqualTo(204);
    assertThat(members("doc")).isEmpty();
    assertThat(types("doc")).containsExactly("workflow.created",
        "presence.joined:{\"subject\":\"bob\",\"status\":\"thinking\"}",
        "presence.updated:{\"subject\":\"bob\",\"status\":\"working\",\"from\":\"thinking\"}",
        "presence.updated:{\"subject\":\"bob\",\"status\":null,\"from\":\"working\"}",
        "presence.left:{\"subject\":\"bob\",\"reason\":\"left\"}");
  }

  @Test
  void aLeaseThatRanOutIsSweptIntoALeave() throws InterruptedException {
    server().api().create(alice, new JsonObject().put("id", "doc"));
    try (SseClient watcher = watch("doc")) {
      assertThat(put("doc", bob, new JsonObject().put("status", "working")).statusCode()).isEqualTo(200);
      watcher.next("presence.joined", 5);
      clock().advance(Duration.ofMillis(LEASE_MS - 1));
      assertThat(members("doc")).as("not yet run out").hasSize(1);

      clock().advance(Duration.ofMillis(2));
      // no request names the workflow: the sweep finds it
      SseEvent left = watcher.next("presence.left", 5);
      assertThat(data(left)).isEqualTo(new JsonObject().put("subject", "bob").put("reason", "expired"));
      assertThat(left.json().getString("actor")).isEqualTo("system");
      assertThat(members("doc")).isEmpty();
      assertThat(types("doc").stream().filter(t -> t.startsWith("presence.left")).count()).as("once").isEqualTo(1);
    }
  }

  @Test
  void aLeaseThatRanOutBesideALiveOneLeavesAtTheNextRequest() throws InterruptedException {
    server().api().create(alice, new JsonObject().put("id", "doc"));
    try (SseClient watcher = watch("doc")) {
      assertThat(put("doc", bob, new JsonObject()).statusCode()).isEqualTo(200);
      clock().advance(Duration.ofMillis(LEASE_MS / 2));
      assertThat(put("doc", alice, new JsonObject().put("status", "typing")).statusCode()).isEqualTo(200);
      clock().advance(Duration.ofMillis(LEASE_MS / 2 + 1));

      // alice's lease still runs; any presence request on the workflow drops bob's
      JsonArray listed = members("doc");
      assertThat(listed.stream().map(m -> ((JsonObject) m).getString("subject")).toList()).containsExactly("alice");
      assertThat(types("doc")).containsExactly("workflow.created",
          "presence.joined:{\"subject\":\"bob\",\"status\":null}",
          "presence.joined:{\"subject\":\"alice\",\"status\":\"typing\"}",
          "presence.left:{\"subject\":\"bob\",\"reason\":\"expired\"}");
      assertThat(watcher.next("presence.left", 5).json().getJsonObject("data").getString("subject")).isEqualTo("bob");
      assertThat(server().api().delete(WORKFLOWS + "/doc/presence", alice).statusCode()).isEqualTo(204);
    }
  }

  @Test
  void badInputIsRefusedAndChangesNothing() {
    server().api().create(alice, new JsonObject().put("id", "doc"));
    for (String bad : List.of("a%20b", "x".repeat(129), "typing&presence=idle")) {
      HttpResponse<Buffer> answer = server().api().get(WORKFLOWS + "/doc/stream?presence=" + bad, bob);
      assertThat(answer.statusCode()).as("presence=%s", bad).isEqualTo(400);
      assertThat(answer.getHeader("Content-Type")).isEqualTo("application/problem+json");
    }
    for (String body : List.of("{\"status\":\"a b\"}", "{\"status\":42}", "{\"mood\":\"x\"}", "[]", "{")) {
      HttpResponse<Buffer> answer = server().api().send(HttpMethod.PUT, WORKFLOWS + "/doc/presence", bob,
          Buffer.buffer(body), "application/json");
      assertThat(answer.statusCode()).as(body).isEqualTo(400);
    }
    assertThat(server().api().get("/api/v1/stream?workflow=doc&presence=typing", bob).statusCode())
        .as("not on a multi-workflow stream").isEqualTo(400);
    assertThat(server().api().send(HttpMethod.PUT, WORKFLOWS + "/doc/presence", bob, Buffer.buffer("x"),
        "text/plain").statusCode()).isEqualTo(415);
    assertThat(put("nope", bob, new JsonObject()).statusCode()).isEqualTo(404);
    assertThat(server().api().get(WORKFLOWS + "/nope/presence", bob).statusCode()).isEqualTo(404);
    assertThat(server().api().get(WORKFLOWS + "/nope/stream?presence=x", bob).statusCode()).isEqualTo(404);
    assertThat(server().api().delete(WORKFLOWS + "/nope/presence", bob).statusCode()).isEqualTo(404);
    assertThat(server().api().get(WORKFLOWS + "/doc/presence", null).statusCode()).isEqualTo(401);
    assertThat(server().api().get(WORKFLOWS + "/doc/presence", server().token("eve", tenant, "other"))
        .statusCode()).isEqualTo(403);
    assertThat(server().api().get(WORKFLOWS + "/doc/presence", server().token("eve", "t-else-" + tenant,
        TestServer.RW)).statusCode()).as("another tenant's").isEqualTo(404);
    assertThat(members("doc")).isEmpty();
    assertThat(types("doc")).containsExactly("workflow.created");
  }

  @Test
  void aTerminalWorkflowListsItsWatchersButRecordsNoPresenceEvent() {
    server().api().create(alice, new JsonObject().put("id", "done").put("status", "completed"));
    assertThat(put("done", bob, new JsonObject().put("status", "reading")).statusCode()).isEqualTo(200);
    assertThat(members("done")).hasSize(1);
    assertThat(server().api().delete(WORKFLOWS + "/done/presence", bob).statusCode()).isEqualTo(204);
    assertThat(members("done")).isEmpty();
    assertThat(types("done")).containsExactly(
        "workflow.created");
  }
}
