package io.flowcast.actions;

import io.flowcast.workflow.Times;
import io.vertx.core.json.JsonObject;

/**
 * The {@code data} of the action events: the action's id and type and the fields the step changed. The
 * Redis scripts ({@code lua/action_*.lua}) build the same objects by concatenation (so payloads, results
 * and errors pass through Lua untouched); the contract suite compares the two.
 */
public final class ActionEvents {
  private ActionEvents() {
  }

  public static JsonObject queued(Action a) {
    return base(a).put("payload", Action.copy(a.payload()));
  }

  /** @param previousWorker the worker whose lease expired, or null for an action claimed from the queue */
  public static JsonObject claimed(Action a, String previousWorker) {
    return base(a).put("worker", a.worker()).put("lease_until", Times.format(a.leaseUntil()))
        .put("attempts", a.attempts()).put("previous_worker", previousWorker);
  }

  public static JsonObject completed(Action a) {
    return base(a).put("worker", a.worker()).put("result", Action.copy(a.result()));
  }

  /** @param worker the worker that failed it (an action queued again has none) */
  public static JsonObject failed(Action a, String worker, boolean retry) {
    return base(a).put("worker", worker).put("error", Action.copy(a.error())).put("retry", retry)
        .put("attempts", a.attempts());
  }

  private static JsonObject base(Action a) {
    return new JsonObject().put("id", a.id()).put("type", a.type()).put("status", a.status());
  }
}
