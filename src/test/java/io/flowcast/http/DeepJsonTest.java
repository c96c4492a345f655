package io.flowcast.http;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deeply nested JSON that the parser accepts (Jackson's default nesting limit is 1000) must never break a
 * workflow. Either the server refuses it as bad input (4xx problem details) or it stores it and can serve it;
 * a 500, and above all a workflow, history or tenant list that answers 500 from then on, is a bug.
 *
 * <p>BUG(main), found while writing {@link BadInputTest}: with the default body limit, a state, metadata or
 * event data nested about 850 levels deep is committed, then every serialization of it overflows the event
 * loop's stack, so the write answers 500 and later reads of the workflow, its history and the tenant's list
 * answer 500 until it expires. Each test uses its own tenant so one failure does not hide another.
 */
class DeepJsonTest {
  private static final String WF = "/api/v1/workflows";
  /** Below Jackson's default parse limit of 1000 levels, above what the event loop can serialize today. */
  private static final int DEPTH = 990;

  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();
  private final Api api = server.api();

  private static String nestedObject(int depth) {
    return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
  }

  private static String nestedArray(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, String token, String body) {
    return api.send(method, path, token, Buffer.buffer(body), "application/json");
  }

  private static void assertRefusedOrStored(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as("never a 5xx: %s", response.bodyAsString()).isLessThan(500);
    if (response.statusCode() >= 400) {
      assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    }
  }

  private void assertReadable(String path, String token) {
    HttpResponse<Buffer> response = api.get(path, token);
    assertThat(response.statusCode()).as("GET %s still answers: %s", path, response.bodyAsString())
        .isEqualTo(200);
  }

  @Test
  void deeplyNestedStateOnCreateNeverBreaksTheTenantList() {
    String token = server.token("deep", "deep-create", TestServer.RW);

    HttpResponse<Buffer> response = send(HttpMethod.POST, WF, token,
        "{\"id\":\"deep\",\"state\":" + nestedObject(DEPTH) + "}");

    assertRefusedOrStored(response);
    assertReadable(WF, token);
    if (response.statusCode() == 201) {
      assertReadable(WF + "/deep", token);
    }
  }

  @Test
  void deeplyNestedStatePatchNeverBreaksTheWorkflow() {
    String token = server.token("deep", "deep-patch", TestServer.RW);
    api.create(token, new JsonObject().put("id", "victim").put("state", new JsonObject().put("ok", true)));

    HttpResponse<Buffer> response = send(HttpMethod.PATCH, WF + "/victim", token,
        "{\"state\":{\"deep\":" + nestedObject(DEPTH) + "}}");

    assertRefusedOrStored(response);
    assertReadable(WF + "/victim", token);
    assertReadable(WF + "/victim/events", token);
    assertReadable(WF, token);
    if (response.statusCode() >= 400) {
      JsonObject workflow = api.get(WF + "/victim", token).bodyAsJsonObject();
      assertThat(workflow.getLong("version")).as("a refused patch changes nothing").isEqualTo(1);
      assertThat(workflow.getJsonObject("state")).isEqualTo(new JsonObject().put("ok", true));
    }
  }

  @Test
  void deeplyNestedEventDataNeverBreaksTheHistory() {
    String token = server.token("deep", "deep-event", TestServer.RW);
    api.create(token, new JsonObject().put("id", "victim"));

    HttpResponse<Buffer> response = send(HttpMethod.POST, WF + "/victim/events", token,
        "{\"type\":\"note.added\",\"data\":" + nestedArray(DEPTH) + "}");

    assertRefusedOrStored(response);
    assertReadable(WF + "/victim/events", token);
    assertReadable(WF + "/victim", token);
  }
}
