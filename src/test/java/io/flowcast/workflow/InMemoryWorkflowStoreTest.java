package io.flowcast.workflow;

/** The store contract on the embedded in-memory backend. */
class InMemoryWorkflowStoreTest extends WorkflowStoreContract {
  @Override
  protected WorkflowStore newStore(int retentionMax) {
    return new InMemoryWorkflowStore(retentionMax);
  }
}
