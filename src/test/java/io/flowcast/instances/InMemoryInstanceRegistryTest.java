package io.flowcast.instances;

import io.flowcast.memory.MemoryBackend;
import io.flowcast.review.Sections;
import io.flowcast.testsupport.TestClock;

import java.time.Duration;

/** The instance registry contract on the in-memory backend, on a clock the test moves. */
class InMemoryInstanceRegistryTest extends InstanceRegistryContract {
  @Override
  protected InstanceRegistry newRegistry(TestClock clock) {
    return MemoryBackend.create(1000, Sections.HOOK, clock).instances();
  }

  @Override
  protected void letLeaseRunOut(Duration ttl) {
    clock.advance(ttl);
  }
}
