package io.flowcast.flush;

import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * One event on its way to PostgreSQL: an entry of the Redis outbox stream (written by the workflow
 * scripts), or, in write-through mode, a record of {@code flowcast.flush.write}.
 *
 * @param snapshot the workflow after the event ({@code status, state, metadata, version, created_at,
 *                 updated_at, ttl}) for events that change it, else null
 */
public record OutboxRecord(String entryId, WorkflowKey key, long generation, JsonObject event, String requestId,
    JsonObject snapshot) {

  /** Parses an outbox stream entry's fields; null when the entry is not one (deleted meanwhile). */
  static OutboxRecord fromEntry(String entryId, Map<String, String> fields) {
    if (fields == null || fields.get("w") == null || fields.get("e") == null) {
      return null;
    }
    String snapshot = fields.get("s");
    String request = fields.get("r");
    return new OutboxRecord(entryId, WorkflowKey.parseTag(fields.get("w")), Long.parseLong(fields.get("g")),
        new JsonObject(fields.get("e")), request == null || request.isEmpty() ? null : request,
        snapshot == null || snapshot.isEmpty() ? null : new JsonObject(snapshot));
  }

  public static OutboxRecord fromJson(JsonObject json) {
    return new OutboxRecord(null, WorkflowKey.parseTag(json.getString("workflow")), json.getLong("generation"),
        json.getJsonObject("event"), json.getString("request_id"), json.getJsonObject("snapshot"));
  }

  long seq() {
    return event.getLong("seq");
  }
}
