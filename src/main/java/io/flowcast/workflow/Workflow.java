package io.flowcast.workflow;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A workflow as stored, immutable. {@code epoch} names this life of the id (a deleted and re-created id
 * is a new life with a greater epoch; it never repeats, see {@link Epochs}); {@code lastEventId} and
 * {@code lastSeq} name the newest event, so a reader gets the state and the point in the event log it
 * corresponds to in one atomic read. Build one with {@link #created} and derive the next with the
 * {@code with...} methods rather than the canonical constructor.
 *
 * <p>The fields every store keeps are written by {@code write} alone (as {@link #toSnapshotJson} and
 * {@link #toFields}) and read by {@link #read} alone: the Redis state hash, PostgreSQL's row and the write
 * buffer's snapshot all hold what it writes, under its names. A new field is a component, a line in each
 * of the two, and its entry in {@code WORKFLOW_ADDED} in {@code _lib.lua} (SnapshotFormatTest fails until
 * they agree; CONTRIBUTING.md).
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

  /** The fields {@link #withChange} changes, by their stored names: what a patch writes (the rest stays). */
  public static final Set<String> CHANGED = Set.of("status", "state", "metadata", "version", "updated_at");

  /** The next version, changed at {@code at} (its TTL counts from then). */
  public Workflow withChange(String status, JsonObject state, JsonObject metadata, Instant at) {
    return new Workflow(key, status, state, metadata, version + 1, createdAt, at, at.plusSeconds(ttlSeconds),
        ttlSeconds, epoch, lastEventId, lastSeq);
  }

  /**
   * This workflow as it was (or is) at {@code version}: what a change can change, the rest as it is. Code
   * outside this class derives workflows with this and the other {@code with...} methods, so a new
   * component changes no caller.
   */
  public Workflow asOf(String status, JsonObject state, JsonObject metadata, long version, Instant updatedAt) {
    return new Workflow(key, status, state, metadata, version, createdAt, updatedAt, expiresAt, ttlSeconds, epoch,
        lastEventId, lastSeq);
  }

  /** The same workflow in life {@code epoch} with {@code id} (seq {@code seq}) as its newest event. */
  public Workflow withEvent(long epoch, String id, long seq) {
    return new Workflow(key, status, state, metadata, version, createdAt, updatedAt, expiresAt, ttlSeconds, epoch,
        id, seq);
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
   * The workflow as every store keeps it. The write buffer and write-through hand it to PostgreSQL beside the
   * event that made it; {@link #toFields} gives the state hash the same. Its other writer is
   * {@code workflow_json} in {@code _lib.lua}; SnapshotFormatTest holds the two, and {@link #read}, to one
   * format.
   */
  public JsonObject toSnapshotJson() {
    JsonObject snapshot = new JsonObject();
    write(snapshot::put);
    return snapshot;
  }

  /** The one writer of the fields every store keeps, by name: a text, a JSON object or a number. */
  private void write(BiConsumer<String, Object> field) {
    field.accept("status", status);
    field.accept("state", state);
    field.accept("metadata", metadata);
    field.accept("version", version);
    field.accept("created_at", Times.format(createdAt));
    field.accept("updated_at", Times.format(updatedAt));
    field.accept("ttl", ttlSeconds);
  }

  /**
   * The one reader of what {@link #toSnapshotJson} writes, from any store. A field a store lacks (it was
   * written before the field existed: an older instance's hash or row) takes its default here.
   *
   * @param expiresAt when the store says it expires, or null for a full TTL from {@code now}
   */
  public static Workflow read(WorkflowKey key, StoredFields f, long epoch, String lastEventId, long lastSeq, Instant now,
      Instant expiresAt) {
    int ttl = (int) f.number("ttl");
    return new Workflow(key, f.text("status"), f.object("state"), f.object("metadata"), f.number("version"),
        f.time("created_at"), f.time("updated_at"), expiresAt != null ? expiresAt : now.plusSeconds(ttl), ttl,
        epoch, lastEventId, lastSeq);
  }

  /**
   * The snapshot as the Redis state hash keeps it, name and value after name and value: a text as it is,
   * anything else as its JSON ({@code workflow_json} in {@code _lib.lua} turns it back).
   */
  public List<String> toFields() {
    return toFields(null);
  }

  /** The same, of the fields {@code names} only (all for null). */
  public List<String> toFields(Set<String> names) {
    List<String> fields = new ArrayList<>(16);
    write((name, value) -> {
      if (names == null || names.contains(name)) {
        fields.add(name);
        fields.add(value instanceof String text ? text : value instanceof JsonObject object ? object.encode()
            : value instanceof Number || value instanceof Boolean ? String.valueOf(value) : Json.encode(value));
      }
    });
    return fields;
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
