package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** U+0000 cannot be stored by PostgreSQL: it is refused up front, in values and in keys, and nothing changes. */
class NulCharacterTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  @Test
  void nulInAStringOrKeyIsA400AndTheWorkflowIsUnchanged() {
    String token = server.token("n", "acme", TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "plain"));
    for (String body : new String[] {"{\"state\":{\"a\":\"x\\u0000y\"}}", "{\"state\":{\"k\\u0000\":1}}",
        "{\"metadata\":{\"list\":[\"ok\",\"\\u0000\"]}}"}) {
      var response = server.api().send(HttpMethod.PATCH, "/api/v1/workflows/plain", token, Buffer.buffer(body),
          "application/merge-patch+json");
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    }
    var literal = server.api().send(HttpMethod.PATCH, "/api/v1/workflows/plain", token,
        Buffer.buffer("{\"state\":{\"a\":\"text \\\\u0000 is fine\"}}"), "application/merge-patch+json");
    assertThat(literal.statusCode()).as("an escaped backslash followed by u0000 is ordinary text").isEqualTo(200);
    assertThat(server.api().get("/api/v1/workflows/plain", token).bodyAsJsonObject().getLong("version"))
        .isEqualTo(2);
  }
}
