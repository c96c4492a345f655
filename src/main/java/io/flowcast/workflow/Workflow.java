package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A workflow as stored, immutable. {@code lastEventId} and {@code lastSeq} name the newest event, so a
 * reader gets the state and the point in the event log it corresponds to in one atomic read.
 */
public record Workflow(
    WorkflowKey key,
    String status,
    JsonObject state,
    JsonObject metadata,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Instant expiresAt,
    int ttlSeconds,
    String lastEventId,
    long lastSeq) {

  /** The public representation of DESIGN.md. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", key.id())
        .put("tenant", key.tenant())
        .put("status", status)
        .put("state", state.copy())
        .put("metadata", metadata.copy())
        .put("version", version)
        .put("created_at", Times.format(createdAt))
        .put("updated_at", Times.format(updatedAt))
        .put("expires_at", Times.format(expiresAt));
  }

  /** The representation on the event bus: the public one and the stream position it belongs to. */
  public JsonObject toBusJson() {
    return new JsonObject()
        .put("workflow", toJson())
        .put("last_event_id", lastEventId)
        .put("last_seq", lastSeq);
  }

  Workflow touched(Instant now) {
    return new Workflow(key, status, state, metadata, version, createdAt, updatedAt,
        now.plusSeconds(ttlSeconds), ttlSeconds, lastEventId, lastSeq);
  }
}
