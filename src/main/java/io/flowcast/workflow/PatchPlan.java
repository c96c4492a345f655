package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

/**
 * What a validated merge patch does to a workflow: the resulting status, state and metadata, whether
 * anything changed, and which event type records it. Shared by every backend so they agree.
 */
public record PatchPlan(String status, JsonObject state, JsonObject metadata, boolean changed, String eventType) {

  public static PatchPlan of(Workflow current, JsonObject patch) {
    String status = patch.containsKey("status") ? patch.getString("status") : current.status();
    JsonObject state = patch.containsKey("state")
        ? MergePatch.apply(current.state(), patch.getJsonObject("state")) : current.state();
    JsonObject metadata = patch.containsKey("metadata")
        ? MergePatch.apply(current.metadata(), patch.getJsonObject("metadata")) : current.metadata();
    boolean statusChanged = !status.equals(current.status());
    boolean stateChanged = !state.equals(current.state());
    boolean metadataChanged = !metadata.equals(current.metadata());
    boolean changed = statusChanged || stateChanged || metadataChanged;
    String type = statusChanged && !stateChanged && !metadataChanged
        ? EventTypes.STATUS_CHANGED : EventTypes.STATE_UPDATED;
    return new PatchPlan(status, state, metadata, changed, type);
  }
}
