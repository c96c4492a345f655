package io.flowcast.actions;

import io.flowcast.workflow.InMemoryWorkflowStore;
import io.flowcast.workflow.WorkflowStore;

/** The action queue contract on the in-memory backend. */
class InMemoryActionQueueTest extends ActionQueueContract {
  @Override
  protected WorkflowStore newStore() {
    return new InMemoryWorkflowStore(1000);
  }
}
