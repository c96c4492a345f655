package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

/** A validated create request. */
public record NewWorkflow(String status, JsonObject state, JsonObject metadata, int ttlSeconds) {
}
