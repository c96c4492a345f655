package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

/** The result of one atomic change: the workflow after it (before it, for a delete) and the event it appended. */
public record Mutation(Workflow workflow, JsonObject event) {
}
