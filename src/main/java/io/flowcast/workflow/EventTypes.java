package io.flowcast.workflow;

import java.util.Set;

/** Built-in event types, and the names clients may not use for custom events. */
public final class EventTypes {
  public static final String CREATED = "workflow.created";
  public static final String STATE_UPDATED = "state.updated";
  public static final String STATUS_CHANGED = "status.changed";
  /** A cancel: the status moved to {@code cancelled}, with the reason (docs/API.md, "Cancellation"). */
  public static final String CANCELLED = "workflow.cancelled";
  public static final String DELETED = "workflow.deleted";
  public static final String EXPIRED = "workflow.expired";
  public static final String SNAPSHOT_CREATED = "snapshot.created";
  public static final String ROLLED_BACK = "state.rolled_back";
  public static final String DRAFT_UPDATED = "draft.updated";
  public static final String DRAFT_COMMITTED = "draft.committed";
  public static final String DRAFT_DISCARDED = "draft.discarded";
  public static final String ACTION_QUEUED = "action.queued";
  public static final String ACTION_CLAIMED = "action.claimed";
  public static final String ACTION_COMPLETED = "action.completed";
  public static final String ACTION_FAILED = "action.failed";
  /** Token streams (docs/API.md, "Outputs"): the text of a window, durable (one per roll-up window). */
  public static final String OUTPUT_APPENDED = "output.appended";
  /** An output's end, with its whole text. */
  public static final String OUTPUT_CLOSED = "output.closed";
  /** A chunk as it was appended: an ephemeral frame (no id, no seq), never in the log. */
  public static final String OUTPUT_DELTA = "output.delta";
  /** SSE control frame: an output's text so far, for a client that (re)joins. */
  public static final String OUTPUT_SNAPSHOT = "output.snapshot";
  /** Interrupts (docs/API.md, "Interrupts"): they may move the status (waiting, and back to running). */
  public static final String INTERRUPT_RAISED = "interrupt.raised";
  public static final String INTERRUPT_RESOLVED = "interrupt.resolved";
  /** Presence (docs/API.md, "Presence"): a watcher came, changed its status, left. */
  public static final String PRESENCE_JOINED = "presence.joined";
  public static final String PRESENCE_UPDATED = "presence.updated";
  public static final String PRESENCE_LEFT = "presence.left";

  /**
   * Events after which the durable record gets the workflow as it then is: those that change it, and a
   * snapshot (which PostgreSQL keeps under its label).
   */
  public static final Set<String> WITH_WORKFLOW = Set.of(CREATED, STATE_UPDATED, STATUS_CHANGED, CANCELLED,
      ROLLED_BACK, DRAFT_COMMITTED, SNAPSHOT_CREATED, INTERRUPT_RAISED, INTERRUPT_RESOLVED);

  /** Event types that end a workflow's stream. */
  public static final Set<String> TERMINAL = Set.of(DELETED, EXPIRED);

  private static final Set<String> RESERVED = Set.of(CREATED, STATE_UPDATED, STATUS_CHANGED, CANCELLED, DELETED,
      EXPIRED,
      "snapshot.created", "state.rolled_back", "draft.updated", "draft.committed", "draft.discarded",
      "action.queued", "action.claimed", "action.completed", "action.failed",
      INTERRUPT_RAISED, INTERRUPT_RESOLVED,
      PRESENCE_JOINED, PRESENCE_UPDATED, PRESENCE_LEFT,
      // SSE control events, and the tenant feed's entry for a new version (docs/API.md, "Tenant feed")
      "snapshot", "reset", "auth.expired", "workflow.changed",
      OUTPUT_APPENDED, OUTPUT_CLOSED, OUTPUT_DELTA, OUTPUT_SNAPSHOT);

  private EventTypes() {
  }

  public static boolean reserved(String type) {
    return RESERVED.contains(type);
  }
}
