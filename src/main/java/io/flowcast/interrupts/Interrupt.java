package io.flowcast.interrupts;

import io.flowcast.workflow.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One interrupt of a workflow (docs/API.md, "Interrupts"): a question a worker asks a person, answered once.
 * {@code stored} is what the backend keeps ({@link #OPEN}, {@link #RESOLVED} or {@link #CLOSED}); an open one
 * whose {@code expiresAt} has passed reads as {@link #EXPIRED}. {@code place} orders the list (raised first,
 * listed first); it is not a field of the representation.
 */
public record Interrupt(String id, String kind, String prompt, JsonObject schema, String stored, Object value,
    String raisedBy, String resolvedBy, Instant createdAt, Instant expiresAt, Instant resolvedAt, long place) {
  public static final String OPEN = "open";
  public static final String RESOLVED = "resolved";
  /** Closed unanswered: the workflow reached a terminal status (completed, failed, cancelled) first. */
  public static final String CLOSED = "closed";
  /** Open past its {@code expires_at}: it can no longer be answered (410). */
  public static final String EXPIRED = "expired";

  /** A new interrupt id; random, so instances need not coordinate to name one. */
  public static String newId() {
    return "int-" + java.util.UUID.randomUUID();
  }

  public static boolean validStatus(String status) {
    return OPEN.equals(status) || RESOLVED.equals(status) || CLOSED.equals(status) || EXPIRED.equals(status);
  }

  /** The status a client sees at {@code now}. */
  public String status(Instant now) {
    return OPEN.equals(stored) && expiresAt != null && !expiresAt.isAfter(now) ? EXPIRED : stored;
  }

  /** The interrupt as raised, before any answer: what the backend stores once and never changes. */
  public JsonObject record() {
    return new JsonObject().put("id", id).put("kind", kind).put("prompt", prompt)
        .put("schema", schema == null ? null : schema.copy()).put("raised_by", raisedBy)
        .put("created_at", Times.format(createdAt)).put("expires_at", expiresAt == null ? null : Times.format(expiresAt));
  }

  /** The answer as stored beside the record once it is resolved. */
  public JsonObject answer() {
    return new JsonObject().put("value", copy(value)).put("resolved_by", resolvedBy)
        .put("resolved_at", resolvedAt == null ? null : Times.format(resolvedAt));
  }

  /** Rebuilt from what a backend stored: the record, the stored status, the answer (or null) and the place. */
  public static Interrupt of(JsonObject record, String stored, JsonObject answer, long place) {
    JsonObject a = answer == null ? new JsonObject() : answer;
    return new Interrupt(record.getString("id"), record.getString("kind"), record.getString("prompt"),
        record.getJsonObject("schema"), stored, a.getValue("value"), record.getString("raised_by"),
        a.getString("resolved_by"), Instant.parse(record.getString("created_at")), instant(record.getString("expires_at")),
        instant(a.getString("resolved_at")), place);
  }

  /** This interrupt answered with {@code value} by {@code subject} at {@code at}. */
  public Interrupt resolved(Object answer, String subject, Instant at) {
    return new Interrupt(id, kind, prompt, schema, RESOLVED, copy(answer), raisedBy, subject, createdAt, expiresAt, at,
        place);
  }

  public Interrupt closed() {
    return new Interrupt(id, kind, prompt, schema, CLOSED, null, raisedBy, null, createdAt, expiresAt, null, place);
  }

  /** The public representation (docs/API.md) at {@code now}. */
  public JsonObject toJson(Instant now) {
    return record().put("status", status(now)).mergeIn(answer());
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }

  /** JSON values are mutable: the in-memory backend hands out and keeps copies only. */
  static Object copy(Object value) {
    if (value instanceof JsonObject o) {
      return o.copy();
    }
    return value instanceof JsonArray a ? a.copy() : value;
  }
}
