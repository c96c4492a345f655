package io.flowcast.workflow;

import io.flowcast.bus.ApiException;
import io.vertx.core.json.JsonObject;

/**
 * What a validated merge patch (or a reopen) does to a workflow: the resulting status, state and metadata,
 * whether anything changed, which event type records it and the event's data, or the refusal of the
 * lifecycle ({@link Lifecycle}). Shared by every backend so they agree; computed from the version the
 * change is then written on (compare-and-set), so a refusal is never of a status that has moved on.
 */
public record PatchPlan(String status, JsonObject state, JsonObject metadata, boolean changed, String eventType,
    JsonObject data, ApiException refusal) {

  /**
   * A merge patch. Its event's data is the patch, plus {@code from} and {@code to} when it changes the
   * status. A patch that would change a terminal workflow is refused; one that changes nothing is not.
   */
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
    JsonObject data = patch.copy();
    if (statusChanged) {
      data.put("from", current.status()).put("to", status);
    }
    ApiException refusal = changed && Lifecycle.terminal(current.status())
        ? Lifecycle.closed(current.key().id(), current.status()) : null;
    return new PatchPlan(status, state, metadata, changed, type, data, refusal);
  }

  /**
   * A cancel (docs/API.md, "Cancellation"): the status moves to {@code cancelled}, recorded by
   * {@code workflow.cancelled} with the reason. A workflow already in a terminal status is refused.
   */
  public static PatchPlan cancel(Workflow current, String reason) {
    JsonObject data = new JsonObject().put("status", Lifecycle.CANCELLED).put("from", current.status())
        .put("to", Lifecycle.CANCELLED).put("reason", reason);
    ApiException refusal = Lifecycle.terminal(current.status())
        ? Lifecycle.closed(current.key().id(), current.status()) : null;
    return new PatchPlan(Lifecycle.CANCELLED, current.state(), current.metadata(), true, EventTypes.CANCELLED, data,
        refusal);
  }

  /** A reopen of a terminal workflow to {@code status} (not terminal), recorded by {@code status.changed}. */
  public static PatchPlan reopen(Workflow current, String status) {
    JsonObject data = new JsonObject().put("status", status).put("from", current.status()).put("to", status)
        .put("reopened", true);
    ApiException refusal = Lifecycle.terminal(current.status()) ? null
        : Lifecycle.notClosed(current.key().id(), current.status());
    return new PatchPlan(status, current.state(), current.metadata(), true, EventTypes.STATUS_CHANGED, data, refusal);
  }
}
