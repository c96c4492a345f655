package io.flowcast.workflow;

import io.flowcast.memory.MemoryBackend;

import java.time.Clock;
import io.flowcast.review.Sections;


/** The store contract on the embedded in-memory backend. */
class InMemoryWorkflowStoreTest extends WorkflowStoreContract {
  @Override
  protected WorkflowStore newStore(int retentionMax) {
    return MemoryBackend.create(retentionMax, Sections.HOOK, Clock.systemUTC()).store();
  }
}
