package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

/** A validated client-published event. {@code data} is any JSON value. */
public record CustomEvent(String type, Object data, String parentId, JsonObject metadata) {
}
