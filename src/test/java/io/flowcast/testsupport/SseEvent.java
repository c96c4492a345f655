package io.flowcast.testsupport;

import io.vertx.core.json.JsonObject;

/** One dispatched SSE event as a browser's EventSource would see it. */
public record SseEvent(String id, String event, String data) {
  public JsonObject json() {
    return new JsonObject(data);
  }

  public long seq() {
    return json().getLong("seq");
  }
}
