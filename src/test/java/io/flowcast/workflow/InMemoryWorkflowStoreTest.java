package io.flowcast.workflow;

import io.flowcast.memory.MemoryBackend;
import io.flowcast.review.Sections;
import io.flowcast.testsupport.TestClock;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The store contract on the embedded in-memory backend, on a clock the test moves (it never sleeps). */
class InMemoryWorkflowStoreTest extends WorkflowStoreContract {
  private final TestClock clock = new TestClock();

  @Override
  protected WorkflowStore newStore(int retentionMax) {
    return MemoryBackend.create(retentionMax, Sections.HOOK, clock).store();
  }

  @Override
  protected Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  @Override
  protected void pass(Duration duration) {
    clock.advance(duration);
  }
}
