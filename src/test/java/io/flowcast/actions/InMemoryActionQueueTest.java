package io.flowcast.actions;

import io.flowcast.backend.Backend;
import io.flowcast.memory.MemoryBackend;
import io.flowcast.review.Sections;
import java.time.Clock;
import io.flowcast.workflow.WorkflowStore;

/** The action queue contract on the in-memory backend. */
class InMemoryActionQueueTest extends ActionQueueContract {
  @Override
  protected Backend newBackend(Clock clock) {
    return MemoryBackend.create(1000, Sections.HOOK, clock);
  }
}
