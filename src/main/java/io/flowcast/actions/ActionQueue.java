package io.flowcast.actions;

import io.flowcast.workflow.Actor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;

import java.util.List;

/**
 * A workflow's queue of actions for workers and agents (docs/API.md, "Actions"). Every change appends its
 * event ({@code action.queued}, {@code action.claimed}, {@code action.completed}, {@code action.failed})
 * in the same atomic step, without changing the workflow's version. Delivery is at least once: an action
 * whose lease expires is handed out again, and is preferred to the queued ones.
 * One implementation per backend; {@code ActionQueueContract} holds them to the same semantics.
 */
public interface ActionQueue {

  /** Queues an action at the end of the queue. */
  Future<Change> enqueue(WorkflowKey key, NewAction action, Actor actor);

  /** The next action for this worker (expired leases first, then oldest queued), or null when there is none. */
  Future<Change> claim(WorkflowKey key, Claim claim, Actor actor);

  /** Completes or fails a claimed action: 404 when unknown, 409 when it is not claimed (by that worker). */
  Future<Change> settle(WorkflowKey key, Settlement settlement, Actor actor);

  /**
   * Renews the lease of a claimed action for the worker holding it ({@code lease}: its name and the new
   * lease from now), without an event: 404 when unknown, 409 when it is not claimed by that worker, or
   * when the workflow is in a terminal status (cancelled: the worker should stop).
   */
  Future<Action> heartbeat(WorkflowKey key, String actionId, Claim lease, Actor actor);

  Future<Action> get(WorkflowKey key, String actionId);

  /** Actions in the order they were first queued, after {@code cursor}, optionally of one status. */
  Future<Page> list(WorkflowKey key, String status, String cursor, int limit);

  /** A validated enqueue: {@code payload} is any JSON value. */
  record NewAction(String type, Object payload) {
  }

  record Claim(String worker, int leaseSeconds) {
  }

  /** What a worker reports; {@code worker} is null when it does not say who it is (see docs/API.md). */
  record Settlement(String actionId, Outcome outcome, String worker, Object value) {
  }

  enum Outcome {
    COMPLETE, RETRY, FAIL
  }

  /** The action after a change, and the workflow's mutation (its event) to hand on. */
  record Change(Action action, Mutation mutation) {
  }

  record Page(List<Action> items, String nextCursor) {
  }
}
