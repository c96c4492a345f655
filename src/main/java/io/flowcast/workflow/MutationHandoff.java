package io.flowcast.workflow;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Hands a change a store made on to the rest of Flowcast: the fan-out (unless the store published the
 * event itself) and the durable record (write-through waits for PostgreSQL). Every command that changes a
 * workflow, whatever feature it belongs to, passes its mutation through here before answering.
 */
@FunctionalInterface
public interface MutationHandoff {
  /** @param command the command that caused the change (its {@code request_id} goes to the audit log) */
  Future<Mutation> apply(WorkflowKey key, Mutation mutation, JsonObject command);
}
