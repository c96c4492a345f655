package io.flowcast.workflow;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/**
 * The state of workflows and their event logs. Every mutation changes the workflow and appends its
 * one event atomically: no reader sees one without the other; appending an event also publishes it to
 * every instance's transport (one operation, on every backend). Every operation on a workflow refreshes
 * its TTL. Failures are {@link io.flowcast.bus.ApiException}s (404 unknown workflow, 409 id taken,
 * 412 version mismatch, 503 backend down).
 */
public interface WorkflowStore {

  /** Which backend this is, for logs and {@code /ready}. */
  String name();

  Future<Mutation> create(WorkflowKey key, NewWorkflow spec, Actor actor);

  Future<Workflow> get(WorkflowKey key);

  Future<WorkflowPage> list(String tenant, String status, int limit, String cursor);

  /**
   * The same from the hot copy, which holds every acknowledged change at once (the tenant feed's
   * snapshot); {@link #list} may be served by an archive that is behind. Only workflows the hot copy
   * holds; the cursor pages on with {@link #list}.
   */
  default Future<WorkflowPage> listLive(String tenant, String status, int limit, String cursor) {
    return list(tenant, status, limit, cursor);
  }

  /**
   * Applies a JSON Merge Patch of {@code {status, state, metadata}}. {@code expectedVersion} null means
   * unconditional. A patch that changes nothing appends no event and returns a null event; one that would
   * change a workflow in a terminal status fails with 409 ({@link Lifecycle}).
   */
  default Future<Mutation> patch(WorkflowKey key, JsonObject patch, Long expectedVersion, Actor actor) {
    return update(key, current -> PatchPlan.of(current, patch), expectedVersion, actor);
  }

  /** Reopens a workflow in a terminal status to {@code status}: 409 when it is not in a terminal status. */
  /** Cancels: the status moves to cancelled ({@link PatchPlan#cancel}); 409 when it is terminal already. */
  default Future<Mutation> cancel(WorkflowKey key, String reason, Long expectedVersion, Actor actor) {
    return update(key, current -> PatchPlan.cancel(current, reason), expectedVersion, actor);
  }

  default Future<Mutation> reopen(WorkflowKey key, String status, Long expectedVersion, Actor actor) {
    return update(key, current -> PatchPlan.reopen(current, status), expectedVersion, actor);
  }

  /**
   * Writes the change {@code plan} computes from the workflow as it is (compare-and-set on its version, so
   * the plan, and its lifecycle check, is computed again when another writer won). {@code expectedVersion}
   * null means unconditional (412 otherwise on a mismatch). A plan's refusal fails the call; a plan that
   * changes nothing appends no event and returns a null event.
   */
  Future<Mutation> update(WorkflowKey key, java.util.function.Function<Workflow, PatchPlan> plan, Long expectedVersion,
      Actor actor);

  Future<Mutation> delete(WorkflowKey key, Actor actor);

  Future<Mutation> appendEvent(WorkflowKey key, CustomEvent event, Actor actor);

  /** Up to {@code limit} events with ids after {@code afterId} (from the start when null). */
  Future<EventSlice> events(WorkflowKey key, String afterId, int limit);

  /**
   * Removes workflows whose TTL ran out and returns their {@code workflow.expired} mutations (a backend
   * that expires keys by itself returns none and reports expiry through {@link #expired}).
   */
  Future<List<Mutation>> expire(Instant now);

  /**
   * Told that the backend expired a workflow's state: announces {@code workflow.expired} once, however
   * many instances are told; the event when this call was the one that announced it, else null.
   */
  default Future<JsonObject> expired(WorkflowKey key) {
    return Future.succeededFuture();
  }
}
