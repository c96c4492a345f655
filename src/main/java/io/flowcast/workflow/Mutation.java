package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

/**
 * The result of one atomic change: the workflow after it (before it, for a delete; null where the
 * backend did not read it, e.g. a custom event on Redis), the event it appended (null for a change
 * that changed nothing), and the epoch of the workflow's life (see {@link Epochs}).
 */
public record Mutation(Workflow workflow, JsonObject event, long epoch) {
  public Mutation(Workflow workflow, JsonObject event) {
    this(workflow, event, workflow.epoch());
  }
}
