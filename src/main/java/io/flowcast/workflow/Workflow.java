package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A workflow as stored, immutable. {@code epoch} names this life of the id (a deleted and re-created id
 * is a new life with a greater epoch; it never repeats, see {@link Epochs}); {@code lastEventId} and
 * {@code lastSeq} name the newest event, so a reader gets the state and the point in the event log it
 * corresponds to in one atomic read. Build one with {@link #created} and derive the next with the
 * {@code with...} methods rather than the canonical constructor.
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
    long epoch,
    String lastEventId,
    long lastSeq) {

  /** A new workflow at version 1, before its {@code workflow.created} event. */
  public static Workflow created(WorkflowKey key, NewWorkflow spec, Instant now, long epoch) {
    return new Workflow(key, spec.status(), spec.state(), spec.metadata(), 1, now, now,
        now.plusSeconds(spec.ttlSeconds()), spec.ttlSeconds(), epoch, null, 0);
  }

  /** The next version, changed at {@code at} (its TTL counts from then). */
  public Workflow withChange(String status, JsonObject state, JsonObject metadata, Instant at) {
    return new Workflow(key, status, state, metadata, version + 1, createdAt, at, at.plusSeconds(ttlSeconds),
        ttlSeconds, epoch, lastEventId, lastSeq);
  }

  /** The same version with {@code id} (seq {@code seq}) as its newest event. */
  public Workflow withEvent(String id, long seq) {
    return new Workflow(key, status, state, metadata, version, createdAt, updatedAt, expiresAt, ttlSeconds, epoch,
        id, seq);
  }

  /** The same workflow expiring at {@code at}. */
  public Workflow expiringAt(Instant at) {
    return new Workflow(key, status, state, metadata, version, createdAt, updatedAt, at, ttlSeconds, epoch,
        lastEventId, lastSeq);
  }

  /** The public representation (docs/API.md). */
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

  /**
   * The workflow as the durable record keeps it beside the event that made it (the write buffer's and
   * write-through's snapshot). Its other writer is {@code workflow_json} in {@code _lib.lua};
   * SnapshotFormatTest holds the two to one format.
   */
  public JsonObject toSnapshotJson() {
    return new JsonObject().put("status", status).put("state", state).put("metadata", metadata)
        .put("version", version).put("created_at", Times.format(createdAt)).put("updated_at", Times.format(updatedAt))
        .put("ttl", ttlSeconds);
  }

  /** The representation on the event bus: the public one and the stream position it belongs to. */
  public JsonObject toBusJson() {
    return new JsonObject()
        .put("workflow", toJson())
        .put("last_event_id", lastEventId)
        .put("last_seq", lastSeq);
  }

  public Workflow touched(Instant now) {
    return expiringAt(now.plusSeconds(ttlSeconds));
  }
}
