package io.flowcast.outputs;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Appends count against a quota of their own (`output`), so a streaming model does not use up its writes. */
class OutputQuotaTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("ratelimit.enabled", true)
      .put("ratelimit.output_burst", 5).put("ratelimit.output_per_minute", 60)
      .put("ratelimit.write_burst", 3).put("ratelimit.write_per_minute", 60));

  @Test
  void appendsTakeTheOutputQuotaNotTheWriteQuota() {
    String token = server.token("model", "t-quota", TestServer.RW);
    server.api().create(token, new JsonObject().put("id", "answer"));
    String out = "/api/v1/workflows/answer/outputs/reply/append";
    for (int i = 0; i < 5; i++) {
      assertThat(server.api().post(out, token, new JsonObject().put("text", "t" + i)).statusCode()).isEqualTo(200);
    }
    HttpResponse<Buffer> refused = server.api().post(out, token, new JsonObject().put("text", "more"));
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains("too many output requests");
    assertThat(refused.getHeader("Retry-After")).isNotNull();
    // the writes were not touched: the create took one of three
    assertThat(server.api().post("/api/v1/workflows/answer/events", token, new JsonObject().put("type", "note"))
        .statusCode()).isEqualTo(201);
  }
}
