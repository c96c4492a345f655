package io.flowcast.memory;

import io.flowcast.backend.Backend;
import io.flowcast.workflow.StateHook;

import java.time.Clock;
import java.util.Optional;

/** The embedded backend: everything in this JVM, for a single instance; state is lost on restart. */
public final class MemoryBackend {
  private MemoryBackend() {
  }

  /** @param retentionMax events kept per workflow */
  public static Backend create(int retentionMax, StateHook hook, Clock clock) {
    LocalEventTransport transport = new LocalEventTransport();
    InMemoryWorkflowStore store = new InMemoryWorkflowStore(retentionMax, hook, clock, transport);
    return new Backend("memory", store, new InMemorySideData(store), new InMemoryActionQueue(store),
        new InMemoryInterrupts(store), transport,
        new InMemoryRefreshTokens(), new InMemoryInstanceRegistry(clock), store.idempotency(), Optional.empty(),
        new InMemoryPresence(store), new InMemoryOutputs(store));
  }
}
