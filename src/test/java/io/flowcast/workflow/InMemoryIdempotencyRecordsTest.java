package io.flowcast.workflow;

import io.flowcast.backend.Backend;
import io.flowcast.memory.MemoryBackend;
import io.flowcast.review.Sections;
import io.flowcast.testsupport.TestClock;

/** The Idempotency-Key records contract on the in-memory backend. */
class InMemoryIdempotencyRecordsTest extends IdempotencyRecordsContract {
  @Override
  protected Backend newBackend() {
    return MemoryBackend.create(1000, Sections.HOOK, new TestClock());
  }
}
