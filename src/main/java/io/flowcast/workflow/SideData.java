package io.flowcast.workflow;

import io.flowcast.bus.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The data kept beside a workflow (review drafts, labelled snapshots): string fields of a side table,
 * living and dying with the workflow. Features read a side with the workflow, compute their change, and
 * write it with a compare-and-set: the workflow's version (when they rewrite the state) and every field
 * they touch must be as read, or the write fails with {@link Stale} and the feature reads again. The
 * change, the new state and the change's one event are one atomic step, on either backend.
 */
public interface SideData {

  /** The sides a feature may keep; each backend names them its own way (a map, a Redis hash). */
  enum Side {
    DRAFTS, SNAPSHOTS;

    /** The name backends store the side under ({@code drafts}, {@code snapshots}). */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A workflow and the fields of one of its sides, read together. */
  record Read(Workflow workflow, Map<String, String> fields) {
  }

  Future<Read> read(WorkflowKey key, Side side);

  /** Applies the change unless something it depends on moved since {@code change.base()} was read. */
  Future<Mutation> write(WorkflowKey key, Change change, Actor actor);

  /** How often a feature reads and computes again after losing a compare-and-set. */
  int ATTEMPTS = 16;

  /**
   * Reads a side with its workflow, computes a change from them and writes it; when someone else changed
   * what the change depends on, reads and computes again (up to {@link #ATTEMPTS} times, then a 409).
   */
  default Future<Mutation> update(WorkflowKey key, Side side, Function<Read, Future<Change>> compute, Actor actor) {
    return update(key, side, compute, actor, 1);
  }

  private Future<Mutation> update(WorkflowKey key, Side side, Function<Read, Future<Change>> compute, Actor actor,
      int attempt) {
    return read(key, side)
        // the write refuses it too (atomically); refused here first, a feature's own checks never come before it
        .compose(read -> Lifecycle.terminal(read.workflow().status())
            ? Future.failedFuture(Lifecycle.closed(key.id(), read.workflow().status())) : compute.apply(read))
        .compose(change -> write(key, change, actor))
        .recover(err -> !(err instanceof Stale) ? Future.failedFuture(err)
            : attempt < ATTEMPTS ? update(key, side, compute, actor, attempt + 1)
            : Future.failedFuture(ApiException.conflict("too many concurrent changes; retry")));
  }

  /** Someone else changed what a write depended on: read again and recompute. */
  final class Stale extends RuntimeException {
    public Stale() {
      super("changed concurrently", null, false, false);
    }
  }

  /** One field of a side: {@code expected} null means absent, {@link #ANY} skips the check; {@code value} null removes it. */
  record FieldOp(Side side, String field, String expected, String value) {
    public static final String ANY = "\u0000any";
  }

  /**
   * A change computed from {@code base}: field operations, optionally a new state (a new version), and the
   * event that records it.
   */
  record Change(Workflow base, JsonObject newState, String eventType, Object eventData, List<FieldOp> ops) {
    public static Change of(Workflow base, String eventType, Object eventData) {
      return new Change(base, null, eventType, eventData, new ArrayList<>());
    }

    public Change withState(JsonObject state) {
      return new Change(base, state, eventType, eventData, ops);
    }

    public Change op(Side side, String field, String expected, String value) {
      ops.add(new FieldOp(side, field, expected, value));
      return this;
    }

    /**
     * This change's field operations followed by those {@code hook} asks for when the change writes a
     * state, except where this change already writes the same field.
     */
    public List<FieldOp> opsWith(StateHook hook) {
      if (newState == null) {
        return ops;
      }
      List<FieldOp> all = new ArrayList<>(ops);
      for (FieldOp op : hook.onStateChange(base.state(), newState, base.version() + 1)) {
        if (ops.stream().noneMatch(o -> o.side() == op.side() && o.field().equals(op.field()))) {
          all.add(op);
        }
      }
      return all;
    }
  }
}
