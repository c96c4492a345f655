package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

/**
 * The result of one atomic change: the workflow after it (before it, for a delete; null where the
 * backend did not read it, e.g. a custom event on Redis), the event it appended (null for a change
 * that changed nothing), and the generation of the workflow (its creation time in epoch ms: a deleted
 * and re-created id is a new generation).
 */
public record Mutation(Workflow workflow, JsonObject event, long generation) {
  public Mutation(Workflow workflow, JsonObject event) {
    this(workflow, event, workflow.createdAt().toEpochMilli());
  }
}
