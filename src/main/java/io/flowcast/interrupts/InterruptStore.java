package io.flowcast.interrupts;

import io.flowcast.workflow.Actor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;

import java.util.List;

/**
 * A workflow's interrupts (docs/API.md, "Interrupts"), kept beside it and gone with it. Raising one stores it
 * open and moves a workflow that is {@code pending} or {@code running} to {@code waiting} (a new version),
 * recorded by {@code interrupt.raised}; resolving one stores the answer and, when no other open interrupt
 * that has not expired remains and the workflow is {@code waiting}, moves it back to {@code running}, recorded
 * by {@code interrupt.resolved}. Each is one atomic step with its event; a terminal workflow refuses both, and
 * the change that makes a workflow terminal closes its open interrupts. One implementation per backend;
 * {@code InterruptsContract} holds them to the same behaviour.
 */
public interface InterruptStore {

  /** At most this many unanswered interrupts (open or expired) per workflow (409 beyond). */
  int MAX_OPEN = 100;

  /** Stores {@code interrupt} (status open) and appends {@code interrupt.raised}. */
  Future<Change> raise(WorkflowKey key, Interrupt interrupt, Actor actor);

  /**
   * Answers {@code current} (as the caller read it) with {@code value}, already checked against its schema;
   * whether it is still open is checked in the step: 409 when it is resolved or closed (or the workflow is in
   * a terminal status), 410 when it expired, 404 when it is gone.
   */
  Future<Change> resolve(WorkflowKey key, Interrupt current, Object value, Actor actor);

  /** Every interrupt of the workflow, in the order they were raised. */
  Future<List<Interrupt>> list(WorkflowKey key);

  /** The interrupt after a change, and the workflow's mutation (its event) to hand on. */
  record Change(Interrupt interrupt, Mutation mutation) {
  }
}
