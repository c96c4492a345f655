package io.flowcast.actions;

import io.flowcast.workflow.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One action of a workflow's queue as clients see it. {@code worker} is the worker that holds (or last
 * settled) it, {@code lease_until} is set only while it is claimed, {@code attempts} counts its claims,
 * {@code error} is the last failure (kept when it is queued again, so the next worker sees why).
 * {@code since} orders actions by when they were first queued; it is the list cursor, not a field.
 */
public record Action(String id, String type, Object payload, String status, String worker, Instant leaseUntil,
    int attempts, Object result, Object error, Instant createdAt, Instant updatedAt, String since) {
  public static final String QUEUED = "queued";
  public static final String CLAIMED = "claimed";
  public static final String COMPLETED = "completed";
  /** Failed without a retry: a dead letter, kept for reading and never handed out again. */
  public static final String FAILED = "failed";

  /** A new action id; random, so no instance needs to coordinate with another to name an action. */
  public static String newId() {
    return "act-" + java.util.UUID.randomUUID();
  }

  public static boolean validStatus(String status) {
    return QUEUED.equals(status) || CLAIMED.equals(status) || COMPLETED.equals(status) || FAILED.equals(status);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("type", type)
        .put("payload", copy(payload))
        .put("status", status)
        .put("worker", worker)
        .put("lease_until", leaseUntil == null ? null : Times.format(leaseUntil))
        .put("attempts", attempts)
        .put("result", copy(result))
        .put("error", copy(error))
        .put("created_at", Times.format(createdAt))
        .put("updated_at", Times.format(updatedAt));
  }

  /** JSON values are mutable: the in-memory backend hands out and keeps copies only. */
  public static Object copy(Object value) {
    if (value instanceof JsonObject o) {
      return o.copy();
    }
    return value instanceof JsonArray a ? a.copy() : value;
  }
}
