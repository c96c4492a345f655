package io.flowcast.bus;

import io.vertx.core.json.JsonObject;

/**
 * One committed event on its way to SSE streams ({@link Addresses#SSE_DELIVER}). The event is carried
 * already encoded, so it is serialized once per instance however many streams receive it.
 *
 * @param workflow the workflow's tag, {@code <tenant>:<id>}
 * @param json     the event, encoded as one line of JSON
 */
public record EventDelivery(String workflow, String id, long seq, String type, String json) {

  public static EventDelivery of(String workflow, JsonObject event) {
    return new EventDelivery(workflow, event.getString("id"), event.getLong("seq"), event.getString("type"),
        event.encode());
  }

  public JsonObject toJson() {
    return new JsonObject().put("workflow", workflow).put("id", id).put("seq", seq).put("type", type)
        .put("json", json);
  }

  public static EventDelivery fromJson(JsonObject body) {
    return new EventDelivery(body.getString("workflow"), body.getString("id"), body.getLong("seq"),
        body.getString("type"), body.getString("json"));
  }
}
