package io.flowcast.review;

import io.flowcast.backend.Backend;
import io.flowcast.memory.MemoryBackend;

import java.time.Clock;


/** Drafts, snapshots and rollback on the embedded in-memory backend. */
class InMemoryReviewTest extends ReviewContract {
  @Override
  protected Stores newStores() {
    Backend backend = MemoryBackend.create(1000, Sections.HOOK, Clock.systemUTC());
    return new Stores(backend.store(), backend.sides());
  }
}
