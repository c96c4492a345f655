package io.flowcast.sse;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.flowcast.sse.MultiStreamTest.newWorkflows;
import static io.flowcast.sse.MultiStreamTest.openings;
import static io.flowcast.sse.MultiStreamTest.streamPath;
import static org.assertj.core.api.Assertions.assertThat;

/** What {@code GET /api/v1/stream} refuses, as problem+json before any byte of a stream. */
class MultiStreamRequestTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();
  private static String token;

  @BeforeAll
  static void mintToken() {
    token = server.token("bob", tenant(), TestServer.RW);
  }

  private static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject problem(String path, String token, int status) {
    var response = server.api().get(path, token);
    assertThat(response.statusCode()).as(path).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    return response.bodyAsJsonObject();
  }

  @Test
  void streamWithoutWorkflowParameterIs400() {
    assertThat(problem("/api/v1/stream", token, 400).getString("detail")).contains("workflow=");
    assertThat(problem("/api/v1/stream?other=x", token, 400).getInteger("status")).isEqualTo(400);
  }

  @Test
  void invalidWorkflowIdIs400NamingItsPosition() {
    String path = "/api/v1/stream?workflow=ok&workflow=" + "x".repeat(129);
    assertThat(problem(path, token, 400).getString("detail")).contains("workflow parameter 2");
    problem("/api/v1/stream?workflow=", token, 400);
    problem("/api/v1/stream?workflow=a%2Fb", token, 400);
    problem("/api/v1/stream?workflow=..", token, 400);
  }

  @Test
  void moreWorkflowsThanTheMaximumIs400() {
    int max = server.config().maxStreamWorkflows();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i <= max; i++) {
      ids.add("w" + i);
    }
    assertThat(problem(streamPath(ids), token, 400).getString("detail")).contains("at most " + max);
  }

  @Test
  void repeatedWorkflowCountsOnce() throws Exception {
    List<String> ids = newWorkflows(server, token, 2);
    List<String> repeated = new ArrayList<>(ids);
    for (int i = 0; i < server.config().maxStreamWorkflows(); i++) {
      repeated.add(ids.get(0));
    }
    try (SseClient sse = server.stream(streamPath(repeated), token, null)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(openings(sse, 2).keySet()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(sse.poll(300)).as("one snapshot per distinct workflow").isNull();
    }
  }

  @Test
  void unknownWorkflowIs404NamingIt() {
    List<String> ids = new ArrayList<>(newWorkflows(server, token, 2));
    ids.add(1, "nobody-here");
    assertThat(problem(streamPath(ids), token, 404).getString("detail")).contains("'nobody-here'");
  }

  @Test
  void anotherTenantsWorkflowIs404() {
    String otherToken = server.token("mallory", tenant(), TestServer.RW);
    List<String> mine = newWorkflows(server, token, 1);
    List<String> theirs = newWorkflows(server, otherToken, 1);
    List<String> both = List.of(mine.get(0), theirs.get(0));
    assertThat(problem(streamPath(both), token, 404).getString("detail")).contains(theirs.get(0));
    try (SseClient sse = server.stream(streamPath(theirs), otherToken, null)) {
      assertThat(sse.status()).as("its owner streams it").isEqualTo(200);
    }
  }

  @Test
  void streamNeedsAValidTokenWithTheReadScope() {
    List<String> ids = newWorkflows(server, token, 1);
    problem(streamPath(ids), null, 401);
    problem(streamPath(ids), server.token("bob", tenant(), "workflows:write"), 403);
  }
}
