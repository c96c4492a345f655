package io.flowcast.memory;

import io.flowcast.actions.Action;
import io.flowcast.actions.ActionErrors;
import io.flowcast.actions.ActionEvents;
import io.flowcast.actions.ActionQueue;
import io.flowcast.memory.InMemoryActions.Lease;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.EventId;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The action queue of the in-memory backend: kept beside each workflow by the store, changed with its
 * event under the store's lock (so a change and its event are one step, as in Redis).
 */
public final class InMemoryActionQueue implements ActionQueue {
  private static final String SIDE = "actions";
  private final InMemoryWorkflowStore store;

  InMemoryActionQueue(InMemoryWorkflowStore store) {
    this.store = store;
  }

  @Override
  public Future<Change> enqueue(WorkflowKey key, NewAction spec, Actor actor) {
    return store.withLive(key, actor, live -> {
      InMemoryActions actions = live.side(SIDE, InMemoryActions::new);
      Instant now = Times.now(store.clock());
      Action action = new Action(Action.newId(), spec.type(), Action.copy(spec.payload()), Action.QUEUED, null,
          null, 0, null, null, now, now, actions.nextSince(now));
      actions.byId.put(action.id(), action);
      actions.enqueue(action.id());
      return new Change(action, live.append(EventTypes.ACTION_QUEUED, ActionEvents.queued(action), actor));
    });
  }

  @Override
  public Future<Change> claim(WorkflowKey key, Claim claim, Actor actor) {
    return store.withLive(key, actor, live -> {
      InMemoryActions actions = live.side(SIDE, InMemoryActions::new);
      Instant now = Times.now(store.clock());
      Lease due = actions.leases.isEmpty() ? null : actions.leases.first();
      Action current;
      String previous = null;
      if (due != null && !due.deadline().isAfter(now)) {
        actions.leases.remove(due);
        current = actions.byId.get(due.actionId());
        previous = current.worker();
      } else {
        Map.Entry<Long, String> next = actions.queue.pollFirstEntry();
        if (next == null) {
          return null;
        }
        current = actions.byId.get(next.getValue());
      }
      Instant deadline = now.plusSeconds(claim.leaseSeconds());
      Action claimed = new Action(current.id(), current.type(), current.payload(), Action.CLAIMED, claim.worker(),
          deadline, current.attempts() + 1, null, current.error(), current.createdAt(), now, current.since());
      actions.byId.put(claimed.id(), claimed);
      actions.leases.add(new Lease(deadline, claimed.id()));
      return new Change(claimed, live.append(EventTypes.ACTION_CLAIMED, ActionEvents.claimed(claimed, previous),
          actor));
    });
  }

  @Override
  public Future<Change> settle(WorkflowKey key, Settlement s, Actor actor) {
    return store.withLive(key, actor, live -> {
      InMemoryActions actions = live.side(SIDE, InMemoryActions::new);
      Action current = actions.byId.get(s.actionId());
      if (current == null) {
        throw ActionErrors.unknown(s.actionId());
      }
      if (!current.status().equals(Action.CLAIMED)) {
        throw ActionErrors.notClaimed(s.actionId(), current.status());
      }
      if (s.worker() != null && !s.worker().equals(current.worker())) {
        throw ActionErrors.lost(s.actionId(), s.worker(), current.worker());
      }
      actions.leases.remove(new Lease(current.leaseUntil(), current.id()));
      Instant now = Times.now(store.clock());
      Object value = Action.copy(s.value());
      Action next = switch (s.outcome()) {
        case COMPLETE -> new Action(current.id(), current.type(), current.payload(), Action.COMPLETED,
            current.worker(), null, current.attempts(), value, current.error(), current.createdAt(), now,
            current.since());
        case RETRY -> new Action(current.id(), current.type(), current.payload(), Action.QUEUED, null, null,
            current.attempts(), null, value, current.createdAt(), now, current.since());
        case FAIL -> new Action(current.id(), current.type(), current.payload(), Action.FAILED, current.worker(),
            null, current.attempts(), null, value, current.createdAt(), now, current.since());
      };
      actions.byId.put(next.id(), next);
      if (s.outcome() == Outcome.RETRY) {
        actions.enqueue(next.id());
      }
      return new Change(next, s.outcome() == Outcome.COMPLETE
          ? live.append(EventTypes.ACTION_COMPLETED, ActionEvents.completed(next), actor)
          : live.append(EventTypes.ACTION_FAILED, ActionEvents.failed(next, current.worker(),
              s.outcome() == Outcome.RETRY), actor));
    });
  }

  @Override
  public Future<Action> heartbeat(WorkflowKey key, String actionId, Claim lease, Actor actor) {
    return store.withLive(key, actor, live -> {
      InMemoryActions actions = live.side(SIDE, InMemoryActions::new);
      Action current = actions.byId.get(actionId);
      if (current == null) {
        throw ActionErrors.unknown(actionId);
      }
      if (!current.status().equals(Action.CLAIMED)) {
        throw ActionErrors.notClaimed(actionId, current.status());
      }
      if (!lease.worker().equals(current.worker())) {
        throw ActionErrors.lost(actionId, lease.worker(), current.worker());
      }
      Instant now = Times.now(store.clock());
      Instant deadline = now.plusSeconds(lease.leaseSeconds());
      actions.leases.remove(new Lease(current.leaseUntil(), current.id()));
      Action renewed = new Action(current.id(), current.type(), current.payload(), Action.CLAIMED, current.worker(),
          deadline, current.attempts(), null, current.error(), current.createdAt(), now, current.since());
      actions.byId.put(renewed.id(), renewed);
      actions.leases.add(new Lease(deadline, renewed.id()));
      return renewed;
    });
  }

  @Override
  public Future<Action> get(WorkflowKey key, String actionId) {
    return store.withLive(key, live -> {
      Action action = live.side(SIDE, InMemoryActions::new).byId.get(actionId);
      if (action == null) {
        throw ActionErrors.unknown(actionId);
      }
      return action;
    });
  }

  @Override
  public Future<Page> list(WorkflowKey key, String status, String cursor, int limit) {
    EventId after = cursor == null ? null : EventId.parse(cursor);
    return store.withLive(key, live -> {
      List<Action> items = new ArrayList<>();
      for (Action action : live.side(SIDE, InMemoryActions::new).byId.values()) {
        if ((after != null && EventId.parse(action.since()).compareTo(after) <= 0)
            || (status != null && !status.equals(action.status()))) {
          continue;
        }
        if (items.size() == limit) {
          return new Page(items, items.get(limit - 1).since());
        }
        items.add(action);
      }
      return new Page(items, null);
    });
  }
}
