package io.flowcast.backend;

import io.flowcast.actions.ActionQueue;
import io.flowcast.auth.RefreshTokens;
import io.flowcast.fanout.EventTransport;
import io.flowcast.interrupts.InterruptStore;
import io.flowcast.instances.InstanceRegistry;
import io.flowcast.outputs.OutputStreams;
import io.flowcast.presence.Presence;
import io.flowcast.workflow.IdempotencyRecords;
import io.flowcast.workflow.SideData;
import io.flowcast.workflow.WorkflowArchive;
import io.flowcast.workflow.WorkflowStore;

import java.util.Optional;

/**
 * Every part of one backend, built together by its factory ({@code memory.MemoryBackend},
 * {@code redis.RedisBackend}) so they share its state: the workflows and their event logs, the data
 * features keep beside a workflow, the action queue, the interrupts, the transport between instances, refresh tokens,
 * the registry where instances announce themselves, the records of Idempotency-Keys, and, where one is configured, the durable record in PostgreSQL. Code is handed these interfaces and
 * never asks which implementation it has.
 *
 * @param archive the durable record (present when PostgreSQL is configured on Redis)
 * @param presence who watches each workflow (docs/API.md, "Presence")
 * @param outputs  the workflows' token streams (docs/API.md, "Outputs")
 */
public record Backend(String name, WorkflowStore store, SideData sides, ActionQueue actions,
    InterruptStore interrupts, EventTransport transport, RefreshTokens refreshTokens, InstanceRegistry instances,
    IdempotencyRecords idempotency, Optional<WorkflowArchive> archive, Presence presence, OutputStreams outputs) {

  /** Whether changes are also written to PostgreSQL. */
  public boolean persistence() {
    return archive.isPresent();
  }
}
