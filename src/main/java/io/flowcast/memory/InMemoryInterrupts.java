package io.flowcast.memory;

import io.flowcast.interrupts.InterruptErrors;
import io.flowcast.interrupts.InterruptEvents;
import io.flowcast.interrupts.Interrupt;
import io.flowcast.interrupts.InterruptStore;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interrupts of the in-memory backend: kept beside each workflow by the store (in the order raised), changed
 * with the workflow's status and its event under the store's lock, as the Redis scripts do in one step.
 */
public final class InMemoryInterrupts implements InterruptStore {
  private static final String SIDE = "interrupts";
  private static final String WAITING = "waiting";
  private static final String RUNNING = "running";
  private final InMemoryWorkflowStore store;

  InMemoryInterrupts(InMemoryWorkflowStore store) {
    this.store = store;
  }

  /** One workflow's interrupts by id, in the order they were raised. */
  private static final class Kept {
    final Map<String, Interrupt> byId = new LinkedHashMap<>();
    long places;
  }

  @Override
  public Future<Change> raise(WorkflowKey key, Interrupt raised, Actor actor) {
    return store.withLive(key, actor, live -> {
      Kept kept = live.side(SIDE, Kept::new);
      Instant now = Times.now(store.clock());
      // unanswered ones count, expired or not: they stay until the workflow ends (then they are closed)
      long open = kept.byId.values().stream().filter(i -> Interrupt.OPEN.equals(i.stored())).count();
      if (open >= MAX_OPEN) {
        throw InterruptErrors.tooMany((int) open);
      }
      Interrupt interrupt = new Interrupt(raised.id(), raised.kind(), raised.prompt(), raised.schema(),
          Interrupt.OPEN, null, raised.raisedBy(), null, raised.createdAt(), raised.expiresAt(), null, ++kept.places);
      kept.byId.put(interrupt.id(), interrupt);
      String from = live.workflow().status();
      JsonObject data = InterruptEvents.raised(interrupt, now);
      Mutation m = WAITING.equals(from) ? live.append(InterruptEvents.RAISED, data, actor)
          : live.changeStatus(WAITING, InterruptEvents.RAISED, InterruptEvents.moved(data, from, WAITING), actor);
      return new Change(interrupt, m);
    });
  }

  @Override
  public Future<Change> resolve(WorkflowKey key, Interrupt read, Object value, Actor actor) {
    String interruptId = read.id();
    return store.withLive(key, actor, live -> {
      Kept kept = live.side(SIDE, Kept::new);
      Interrupt current = kept.byId.get(interruptId);
      Instant now = Times.now(store.clock());
      if (current == null) {
        throw InterruptErrors.unknown(interruptId);
      }
      String status = current.status(now);
      if (Interrupt.EXPIRED.equals(status)) {
        throw InterruptErrors.expired(interruptId);
      }
      if (!Interrupt.OPEN.equals(status)) {
        throw InterruptErrors.notOpen(interruptId, status);
      }
      Interrupt answered = current.resolved(value, actor.subject(), now);
      kept.byId.put(interruptId, answered);
      Workflow w = live.workflow();
      boolean othersOpen = kept.byId.values().stream().anyMatch(i -> Interrupt.OPEN.equals(i.status(now)));
      JsonObject data = InterruptEvents.resolved(answered);
      Mutation m = WAITING.equals(w.status()) && !othersOpen
          ? live.changeStatus(RUNNING, InterruptEvents.RESOLVED, InterruptEvents.moved(data, WAITING, RUNNING), actor)
          : live.append(InterruptEvents.RESOLVED, data, actor);
      return new Change(answered, m);
    });
  }

  @Override
  public Future<List<Interrupt>> list(WorkflowKey key) {
    return store.withLive(key, live -> List.copyOf(live.side(SIDE, Kept::new).byId.values()));
  }

  /** Closes the open interrupts among a workflow's data: it reached a terminal status (under the store's lock). */
  static void close(Map<String, Object> sides) {
    if (sides.get(SIDE) instanceof Kept kept) {
      kept.byId.replaceAll((id, i) -> Interrupt.OPEN.equals(i.stored()) ? i.closed() : i);
    }
  }
}
