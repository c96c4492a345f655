package io.flowcast.http;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link OpenApiResponsesContract} on the in-memory backend, and the check itself: a document that the real
 * answers do not meet is caught.
 */
class OpenApiResponsesInMemoryTest extends OpenApiResponsesContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  @Override
  protected StartedServer server() {
    return server;
  }

  /** 429 answers (a server of its own, with limits of one): problem documents with Retry-After, as documented. */
  @Test
  void rateLimitedAnswersAreDocumented() {
    try (TestServer limited = TestServer.start(new JsonObject().put("ratelimit.enabled", true)
        .put("ratelimit.write_per_minute", 1).put("ratelimit.write_burst", 1)
        .put("ratelimit.read_per_minute", 1).put("ratelimit.read_burst", 1)
        .put("ratelimit.token_per_minute", 1).put("ratelimit.token_burst", 1)
        .put("ratelimit.max_streams_per_subject", 1))) {
      OpenApiConformance conformance = OpenApiConformance.of(limited.vertx(),
          limited.api().get(OpenApi.PATH, null).bodyAsJsonObject());
      String token = limited.token("busy", "t-limited", TestServer.RW);
      String form = "application/x-www-form-urlencoded";
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String uri = "/api/v1/workflows";
        HttpResponse<Buffer> r = limited.api().post(uri, token, new JsonObject().put("id", "wf-" + (i + 1)));
        conformance.check(HttpMethod.POST, uri, r.statusCode(), r.headers(), r.body());
        statuses.add(r.statusCode());
      }
      for (int i = 0; i < 2; i++) {
        String uri = "/api/v1/workflows/wf-1";
        HttpResponse<Buffer> r = limited.api().get(uri, token);
        conformance.check(HttpMethod.GET, uri, r.statusCode(), r.headers(), r.body());
        statuses.add(r.statusCode());
      }
      for (int i = 0; i < 2; i++) {
        String uri = "/api/v1/auth/token";
        HttpResponse<Buffer> r = limited.api().send(HttpMethod.POST, uri, null, Buffer.buffer("grant_type=x"), form);
        conformance.check(HttpMethod.POST, uri, r.statusCode(), r.headers(), r.body());
        statuses.add(r.statusCode());
      }
      try (SseClient open = limited.stream("/api/v1/workflows/wf-1/stream", token, null)) {
        assertThat(open.status()).isEqualTo(200);
        HttpResponse<Buffer> second = limited.api().get("/api/v1/workflows/wf-1/stream", token);
        conformance.check(HttpMethod.GET, "/api/v1/workflows/wf-1/stream", second.statusCode(), second.headers(),
            second.body());
        statuses.add(second.statusCode());
      }
      conformance.verify();
      assertThat(statuses).containsExactly(201, 429, 200, 429, 400, 429, 429);
    }
  }

  @Test
  void aDocumentThatTheAnswersDoNotMeetIsCaught() {
    JsonObject document = server.api().get(OpenApi.PATH, null).bodyAsJsonObject();
    JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
    JsonObject workflow = schemas.getJsonObject("Workflow").getJsonObject("properties");
    workflow.put("version", new JsonObject().put("type", "string"));
    schemas.getJsonObject("Timestamp").put("format", "date");
    schemas.getJsonObject("Problem").getJsonArray("required").add("trace");
    workflow.remove("metadata");
    schemas.getJsonObject("Workflow").getJsonArray("required").remove("metadata");
    document.getJsonObject("paths").getJsonObject("/api/v1/workflows/{id}").getJsonObject("delete")
        .getJsonObject("responses").remove("404");
    OpenApiConformance wrong = OpenApiConformance.of(server.vertx(), document);
    String token = server.token("checker", "t-wrong", TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "wf-1"));

    HttpResponse<Buffer> read = server.api().get("/api/v1/workflows/wf-1", token);
    HttpResponse<Buffer> missing = server.api().get("/api/v1/workflows/nope", token);
    HttpResponse<Buffer> deleted = server.api().delete("/api/v1/workflows/nope", token);

    assertThat(String.join("\n", wrong.check(HttpMethod.GET, "/api/v1/workflows/wf-1", read.statusCode(),
        read.headers(), read.body())))
        .contains("at '#/version'", "(#/properties/version/type)", "at '#/created_at'",
            "does not match format \"date\"");
    workflow.put("version", new JsonObject().put("type", "integer"));
    schemas.getJsonObject("Timestamp").put("format", "date-time");
    assertThat(OpenApiConformance.of(server.vertx(), document).check(HttpMethod.GET, "/api/v1/workflows/wf-1",
        read.statusCode(), read.headers(), read.body()))
        .singleElement().asString()
        .startsWith("GET /api/v1/workflows/wf-1 -> 200 body at '#/metadata': a field the schema does not name");
    assertThat(String.join("\n", wrong.check(HttpMethod.GET, "/api/v1/workflows/nope", missing.statusCode(),
        missing.headers(), missing.body()))).contains("trace");
    assertThat(wrong.check(HttpMethod.DELETE, "/api/v1/workflows/nope", deleted.statusCode(), deleted.headers(),
        deleted.body())).containsExactly("DELETE /api/v1/workflows/nope -> 404: status 404 is not documented for "
            + "DELETE /api/v1/workflows/{id} (documented: [204, 400, 401, 403, 429, 503])");
    assertThat(wrong.check(HttpMethod.PUT, "/api/v1/workflows", 200, read.headers(), read.body()))
        .as("a route the document lacks").hasSize(1);
    assertThat(String.join("\n", wrong.checkAccepted(HttpMethod.POST, "/api/v1/workflows?dry_run=1",
        "application/json", new JsonObject().put("id", "wf-2").put("priority", 1).toBuffer())))
        .as("inputs the server took and the document does not name")
        .contains("query parameter dry_run is not documented", "at '#/priority': a field the schema does not name");
    assertThat(wrong.checkAccepted(HttpMethod.PATCH, "/api/v1/workflows/wf-1", "text/plain", Buffer.buffer("x")))
        .singleElement().asString().contains("a body of text/plain where the document takes [application/json, "
            + "application/merge-patch+json]");
    assertThatThrownBy(wrong::verify).isInstanceOf(AssertionError.class);

    JsonObject broken = server.api().get(OpenApi.PATH, null).bodyAsJsonObject();
    broken.getJsonObject("paths").getJsonObject("/health").getJsonObject("get").put("responses", List.of("200"));
    assertThatThrownBy(() -> OpenApiConformance.of(server.vertx(), broken)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("not a valid OpenAPI 3.1.0 document");
  }
}
