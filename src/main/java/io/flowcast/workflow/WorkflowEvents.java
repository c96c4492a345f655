package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/** Builds event JSON in the one format of docs/API.md, so every backend emits the same shape. */
public final class WorkflowEvents {
  private WorkflowEvents() {
  }

  public static JsonObject event(String id, WorkflowKey key, long seq, String type, long version, Object data,
      String parentId, JsonObject metadata, String actor, Instant createdAt) {
    return new JsonObject()
        .put("id", id)
        .put("seq", seq)
        .put("version", version)
        .mergeIn(rest(key, type, data, parentId, metadata, actor, createdAt));
  }

  /**
   * The fields of an event that the caller knows before the store assigns id, seq and version (which the
   * Redis scripts add in front of these).
   */
  public static JsonObject rest(WorkflowKey key, String type, Object data, String parentId, JsonObject metadata,
      String actor, Instant createdAt) {
    return new JsonObject()
        .put("workflow_id", key.id())
        .put("type", type)
        .put("data", data == null ? new JsonObject() : data)
        .put("parent_id", parentId)
        .put("metadata", metadata == null ? new JsonObject() : metadata)
        .put("actor", actor)
        .put("created_at", Times.format(createdAt));
  }
}
