package io.flowcast.review;

import io.flowcast.workflow.InMemorySideData;
import io.flowcast.workflow.InMemoryWorkflowStore;

/** Drafts, snapshots and rollback on the embedded in-memory backend. */
class InMemoryReviewTest extends ReviewContract {
  @Override
  protected Stores newStores() {
    InMemoryWorkflowStore store = new InMemoryWorkflowStore(1000);
    return new Stores(store, new InMemorySideData(store));
  }
}
