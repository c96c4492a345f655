package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

/**
 * A validated create request. {@code forkedFrom} is {@code {id, version}} of the workflow version a fork
 * starts from (docs/API.md, "Fork"), carried in the {@code workflow.created} event's data; null otherwise.
 */
public record NewWorkflow(String status, JsonObject state, JsonObject metadata, int ttlSeconds,
    JsonObject forkedFrom) {

  public NewWorkflow(String status, JsonObject state, JsonObject metadata, int ttlSeconds) {
    this(status, state, metadata, ttlSeconds, null);
  }

  /** The data of the {@code workflow.created} event this create appends. */
  public JsonObject createdData() {
    JsonObject data = new JsonObject().put("status", status).put("state", state.copy()).put("metadata", metadata.copy());
    if (forkedFrom != null) {
      data.put("forked_from", forkedFrom.copy());
    }
    return data;
  }
}
