package io.flowcast.memory;

import io.flowcast.workflow.Actor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.SideData;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Side data of the in-memory backend: maps kept with each live workflow, changed under the store's lock. */
public final class InMemorySideData implements SideData {
  private final InMemoryWorkflowStore store;

  InMemorySideData(InMemoryWorkflowStore store) {
    this.store = store;
  }

  @Override
  public Future<Read> read(WorkflowKey key, Side side) {
    return store.withLive(key, live -> new Read(live.workflow(), Map.copyOf(fields(live, side))));
  }

  @Override
  public Future<Mutation> write(WorkflowKey key, Change change, Actor actor) {
    return store.withLive(key, actor, live -> {
      if (change.newState() != null && live.workflow().version() != change.base().version()) {
        throw new Stale();
      }
      List<FieldOp> ops = change.opsWith(store.hook());
      for (FieldOp op : ops) {
        if (!FieldOp.ANY.equals(op.expected()) && !Objects.equals(fields(live, op.side()).get(op.field()),
            op.expected())) {
          throw new Stale();
        }
      }
      for (FieldOp op : ops) {
        if (op.value() == null) {
          fields(live, op.side()).remove(op.field());
        } else {
          fields(live, op.side()).put(op.field(), op.value());
        }
      }
      return change.newState() == null ? live.append(change.eventType(), change.eventData(), actor)
          : live.change(change.newState(), change.eventType(), change.eventData(), actor);
    });
  }

  private static Map<String, String> fields(InMemoryWorkflowStore.Live live, Side side) {
    return live.side(side.label(), HashMap::new);
  }

  /** A side's fields among the data kept with a workflow (for the store's own changes, e.g. a patch). */
  @SuppressWarnings("unchecked")
  static Map<String, String> fields(Map<String, Object> sides, Side side) {
    return (Map<String, String>) sides.computeIfAbsent(side.label(), n -> new HashMap<String, String>());
  }
}
