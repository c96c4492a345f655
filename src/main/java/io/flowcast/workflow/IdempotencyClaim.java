package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

/**
 * A request's hold on its Idempotency-Key record (docs/API.md, "Idempotency-Key"), carried with its command
 * to the backend: the change is applied only while the record is still held by {@code owner}, and the
 * backend marks the record applied in the same step as the change, so a change and its record are never
 * apart.
 *
 * @param record      the backend's name of the record
 * @param owner       the request's reservation, unique per request
 * @param workflowTag the workflow the record lies beside ({@code <tenant>:<id>}); on Redis, only a script of
 *                    that workflow can take the record into its step
 */
public record IdempotencyClaim(String record, String owner, String workflowTag) {

  public JsonObject toJson() {
    return new JsonObject().put("record", record).put("owner", owner).put("workflow", workflowTag);
  }

  /** The claim of a command's {@code idempotency} field, or null when it has none. */
  public static IdempotencyClaim fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    return new IdempotencyClaim(json.getString("record"), json.getString("owner"), json.getString("workflow"));
  }
}
