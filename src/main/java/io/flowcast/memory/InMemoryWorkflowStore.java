package io.flowcast.memory;

import io.flowcast.workflow.Actor;
import io.flowcast.workflow.CustomEvent;
import io.flowcast.workflow.Epochs;
import io.flowcast.workflow.EventId;
import io.flowcast.workflow.EventSlice;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.Lifecycle;
import io.flowcast.workflow.ListCursor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.NewWorkflow;
import io.flowcast.workflow.PatchPlan;
import io.flowcast.workflow.StateHook;
import io.flowcast.workflow.SideData;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowEvents;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowPage;
import io.flowcast.workflow.WorkflowStatus;
import io.flowcast.workflow.WorkflowStore;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.EventDelivery;
import io.flowcast.bus.FeedChange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The embedded backend: everything in this JVM, for a single instance. Methods are synchronized so the
 * store is safe whoever calls it; in the server only the workflow verticle does.
 */
public final class InMemoryWorkflowStore implements WorkflowStore {
  private static final Comparator<Workflow> NEWEST_FIRST = Comparator
      .comparing((Workflow w) -> w.createdAt().toEpochMilli())
      .thenComparing(w -> w.key().id())
      .reversed();

  /** Where a cancelled workflow keeps its cancel's reason, beside its features' data. */
  private static final String CANCEL_REASON = "cancel_reason";

  private final int retentionMax;
  private final StateHook hook;
  private final Clock clock;
  private final LocalEventTransport publisher;
  private final Map<WorkflowKey, Entry> entries = new HashMap<>();
  private final Map<String, NavigableSet<Workflow>> byTenant = new HashMap<>();
  /** One sequence of epochs for the whole store: no two lives of any id share one. */
  private final Epochs epochs = new Epochs();
  /** The Idempotency-Key records, under this store's lock: a claim is checked and marked with its change. */
  private final InMemoryIdempotency idempotency;

  /** A workflow, its retained events and the data of its features. */
  private static final class Entry {
    Workflow workflow;
    final ArrayDeque<JsonObject> events = new ArrayDeque<>();
    final Map<String, Object> sides = new HashMap<>();

    Entry(Workflow workflow) {
      this.workflow = workflow;
    }
  }

  /**
   * @param hook      what features record beside a workflow with each change of its state
   * @param publisher receives every event as it is appended, and the feed entry of every change: appending
   *                  and publishing are one step, as in the Redis scripts
   */
  InMemoryWorkflowStore(int retentionMax, StateHook hook, Clock clock, LocalEventTransport publisher) {
    this.retentionMax = retentionMax;
    this.hook = hook;
    this.clock = clock;
    this.publisher = publisher;
    this.idempotency = new InMemoryIdempotency(this, clock);
  }

  InMemoryIdempotency idempotency() {
    return idempotency;
  }

  StateHook hook() {
    return hook;
  }

  Clock clock() {
    return clock;
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public synchronized Future<Mutation> create(WorkflowKey key, NewWorkflow spec, Actor actor) {
    Instant now = Times.now(clock);
    ApiException unclaimed = idempotency.hold(actor.claim());
    if (unclaimed != null) {
      return Future.failedFuture(unclaimed);
    }
    if (live(key, now) != null) {
      return Future.failedFuture(ApiException.conflict("workflow '" + key.id() + "' already exists"));
    }
    Workflow workflow = Workflow.created(key, new NewWorkflow(spec.status(), spec.state().copy(),
        spec.metadata().copy(), spec.ttlSeconds()), now, epochs.next(Times.micros(now)));
    Entry entry = new Entry(workflow);
    Entry previous = entries.put(key, entry);
    if (previous != null) {
      index(previous.workflow, false);
    }
    return Future.succeededFuture(announced(append(entry, EventTypes.CREATED, 1, spec.createdData(), null, null,
        actor, now), FeedChange.CREATED));
  }

  @Override
  public synchronized Future<Workflow> get(WorkflowKey key) {
    Instant now = Times.now(clock);
    Entry entry = live(key, now);
    if (entry == null) {
      return Future.failedFuture(notFound(key));
    }
    touch(entry, now);
    return Future.succeededFuture(entry.workflow);
  }

  @Override
  public synchronized Future<WorkflowPage> list(String tenant, String status, int limit, String cursor) {
    Instant now = Times.now(clock);
    NavigableSet<Workflow> all = byTenant.getOrDefault(tenant, Collections.emptyNavigableSet());
    Iterable<Workflow> from = all;
    if (cursor != null) {
      try {
        from = all.tailSet(probe(tenant, ListCursor.decode(cursor)), false);
      } catch (ApiException e) {
        return Future.failedFuture(e);
      }
    }
    List<Workflow> items = new ArrayList<>(Math.min(limit, 64));
    String next = null;
    for (Workflow w : from) {
      if (!w.expiresAt().isAfter(now) || (status != null && !status.equals(w.status()))) {
        continue;
      }
      if (items.size() == limit) {
        Workflow last = items.get(items.size() - 1);
        next = new ListCursor(last.createdAt().toEpochMilli(), last.key().id()).encode();
        break;
      }
      items.add(w);
    }
    return Future.succeededFuture(new WorkflowPage(items, next));
  }

  @Override
  public synchronized Future<Mutation> update(WorkflowKey key, java.util.function.Function<Workflow, PatchPlan> planner,
      Long expectedVersion, Actor actor) {
    Instant now = Times.now(clock);
    ApiException unclaimed = idempotency.hold(actor.claim());
    if (unclaimed != null) {
      return Future.failedFuture(unclaimed);
    }
    Entry entry = live(key, now);
    if (entry == null) {
      return Future.failedFuture(notFound(key));
    }
    Workflow current = entry.workflow;
    if (expectedVersion != null && expectedVersion != current.version()) {
      return Future.failedFuture(ApiException.preconditionFailed(
          "workflow is at version " + current.version() + ", not " + expectedVersion));
    }
    PatchPlan plan = planner.apply(current);
    if (plan.refusal() != null) {
      return Future.failedFuture(plan.refusal());
    }
    if (!plan.changed()) {
      touch(entry, now);
      return Future.succeededFuture(new Mutation(entry.workflow, null));
    }
    replace(entry, current.withChange(plan.status(), plan.state(), plan.metadata(), now)
        .expiringAt(current.expiresAt()));
    for (SideData.FieldOp op : hook.onStateChange(current.state(), plan.state(), current.version() + 1)) {
      InMemorySideData.fields(entry.sides, op.side()).put(op.field(), op.value());
    }
    if (Lifecycle.terminal(plan.status())) {
      InMemoryInterrupts.close(entry.sides);
    }
    // a cancel's reason, for the refusals that follow it (as patch.lua keeps it); any other status forgets it
    if (Lifecycle.CANCELLED.equals(plan.status()) && plan.data() != null
        && plan.data().getValue("reason") instanceof String reason && !reason.isEmpty()) {
      entry.sides.put(CANCEL_REASON, reason);
    } else {
      entry.sides.remove(CANCEL_REASON);
    }
    return Future.succeededFuture(announced(append(entry, plan.eventType(), current.version() + 1, plan.data(), null,
        null, actor, now), FeedChange.CHANGED));
  }

  @Override
  public synchronized Future<Mutation> delete(WorkflowKey key, Actor actor) {
    Instant now = Times.now(clock);
    Entry entry = live(key, now);
    if (entry == null) {
      return Future.failedFuture(notFound(key));
    }
    Mutation mutation = announced(append(entry, EventTypes.DELETED, entry.workflow.version(), null, null, null,
        actor, now), FeedChange.DELETED);
    remove(key, entry);
    return Future.succeededFuture(mutation);
  }

  @Override
  public synchronized Future<Mutation> appendEvent(WorkflowKey key, CustomEvent event, Actor actor) {
    Instant now = Times.now(clock);
    ApiException unclaimed = idempotency.hold(actor.claim());
    if (unclaimed != null) {
      return Future.failedFuture(unclaimed);
    }
    Entry entry = live(key, now);
    if (entry == null) {
      return Future.failedFuture(notFound(key));
    }
    if (Lifecycle.terminal(entry.workflow.status())) {
      return Future.failedFuture(closed(entry));
    }
    return Future.succeededFuture(append(entry, event.type(), entry.workflow.version(), event.data(),
        event.parentId(), event.metadata(), actor, now));
  }

  @Override
  public synchronized Future<EventSlice> events(WorkflowKey key, String afterId, int limit) {
    Instant now = Times.now(clock);
    Entry entry = live(key, now);
    if (entry == null) {
      return Future.failedFuture(notFound(key));
    }
    touch(entry, now);
    EventId after = afterId == null ? null : EventId.parse(afterId);
    boolean known = afterId == null || (after != null && retained(entry, after));
    List<JsonObject> out = new ArrayList<>();
    boolean hasMore = false;
    for (JsonObject event : entry.events) {
      if (after != null && EventId.parse(event.getString("id")).compareTo(after) <= 0) {
        continue;
      }
      if (out.size() == limit) {
        hasMore = true;
        break;
      }
      out.add(event.copy());
    }
    return Future.succeededFuture(new EventSlice(out, known, hasMore));
  }

  @Override
  public synchronized Future<List<Mutation>> expire(Instant now) {
    List<Mutation> expired = new ArrayList<>();
    for (Iterator<Map.Entry<WorkflowKey, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Entry entry = it.next().getValue();
      if (!entry.workflow.expiresAt().isAfter(now)) {
        expired.add(announced(append(entry, EventTypes.EXPIRED, entry.workflow.version(), null, null, null,
            Actor.SYSTEM, now), FeedChange.EXPIRED));
        index(entry.workflow, false);
        it.remove();
      }
    }
    return Future.succeededFuture(expired);
  }

  /**
   * A live workflow, for the features kept beside it (drafts, snapshots, actions): valid only inside
   * {@link #withLive}, under the store's lock, so a feature's change and its event are one atomic step.
   */
  interface Live {
    Workflow workflow();

    /** Appends an event that leaves the workflow's version as it is. */
    Mutation append(String type, Object data, Actor actor);

    /** A new version with this state, recorded by one event of {@code type} carrying {@code data}. */
    Mutation change(JsonObject state, String type, Object data, Actor actor);

    /** A new version with this status (state and metadata unchanged), recorded by one event of {@code type}. */
    Mutation changeStatus(String status, String type, Object data, Actor actor);

    /** The feature's data kept with this workflow (gone with it when it is deleted or expires). */
    <T> T side(String name, java.util.function.Supplier<T> create);
  }

  /**
   * Runs {@code action} on a live workflow (404 when there is none), refreshing its TTL. An
   * {@link ApiException} thrown by the action fails the future.
   */
  synchronized <T> Future<T> withLive(WorkflowKey key, java.util.function.Function<Live, T> action) {
    return withLive(key, null, action);
  }

  /**
   * The same for a change by {@code actor}: refused (409) when its Idempotency-Key claim is no longer held, or
   * when the workflow is in a terminal status ({@link Lifecycle}).
   */
  synchronized <T> Future<T> withLive(WorkflowKey key, Actor actor,
      java.util.function.Function<Live, T> action) {
    Instant now = Times.now(clock);
    ApiException unclaimed = actor == null ? null : idempotency.hold(actor.claim());
    if (unclaimed != null) {
      return Future.failedFuture(unclaimed);
    }
    Entry entry = live(key, now);
    if (entry == null) {
      return Future.failedFuture(notFound(key));
    }
    touch(entry, now);
    if (actor != null && Lifecycle.terminal(entry.workflow.status())) {
      return Future.failedFuture(closed(entry));
    }
    Live live = new Live() {
      @Override
      public Workflow workflow() {
        return entry.workflow;
      }

      @Override
      public Mutation append(String type, Object data, Actor actor) {
        return InMemoryWorkflowStore.this.append(entry, type, entry.workflow.version(), data, null, null,
            actor, Times.now(clock));
      }

      @Override
      public Mutation change(JsonObject state, String type, Object data, Actor actor) {
        Workflow w = entry.workflow;
        Instant at = Times.now(clock);
        replace(entry, w.withChange(w.status(), state.copy(), w.metadata(), at).expiringAt(w.expiresAt()));
        return announced(InMemoryWorkflowStore.this.append(entry, type, w.version() + 1, data, null, null, actor, at),
            FeedChange.CHANGED);
      }

      @Override
      public Mutation changeStatus(String status, String type, Object data, Actor actor) {
        Workflow w = entry.workflow;
        Instant at = Times.now(clock);
        replace(entry, w.withChange(status, w.state(), w.metadata(), at).expiringAt(w.expiresAt()));
        return announced(InMemoryWorkflowStore.this.append(entry, type, w.version() + 1, data, null, null, actor, at),
            FeedChange.CHANGED);
      }

      @Override
      @SuppressWarnings("unchecked")
      public <S> S side(String name, java.util.function.Supplier<S> create) {
        return (S) entry.sides.computeIfAbsent(name, n -> create.get());
      }
    };
    try {
      return Future.succeededFuture(action.apply(live));
    } catch (ApiException | SideData.Stale e) {
      return Future.failedFuture(e);
    }
  }

  /** Publishes a frame that is not in the log (an output delta), in order with the events around it. */
  synchronized void publishEphemeral(WorkflowKey key, String type, String json) {
    publisher.deliver(EventDelivery.ephemeral(key.tag(), type, json));
  }

  private Entry live(WorkflowKey key, Instant now) {
    Entry entry = entries.get(key);
    return entry == null || !entry.workflow.expiresAt().isAfter(now) ? null : entry;
  }

  private Mutation append(Entry entry, String type, long version, Object data, String parentId, JsonObject metadata,
      Actor actor, Instant now) {
    Workflow w = entry.workflow;
    long seq = w.lastSeq() + 1;
    String id = Epochs.eventId(w.epoch(), seq);
    JsonObject event = WorkflowEvents.event(id, w.key(), seq, type, version, data, parentId, metadata,
        actor.subject(), now);
    idempotency.applied(actor.claim());
    entry.events.addLast(event);
    while (entry.events.size() > retentionMax) {
      entry.events.removeFirst();
    }
    replace(entry, w.withEvent(id, seq).touched(now));
    publisher.deliver(EventDelivery.of(w.key().tag(), event));
    return new Mutation(entry.workflow, event.copy());
  }

  /** Announces a change of the workflow on its tenant's feed (the Redis scripts' {@code announce}). */
  private Mutation announced(Mutation mutation, String type) {
    Workflow w = mutation.workflow();
    if (!publisher.follows(w.key().tenant())) {
      return mutation; // no feed follows the tenant: nothing to make
    }
    boolean gone = type.equals(FeedChange.EXPIRED);
    publisher.announce(new FeedChange(w.key().tenant(), w.key().id(), type, w.version(), gone ? null : w.status(),
        gone ? null : Times.format(w.updatedAt())));
    return mutation;
  }

  private static boolean retained(Entry entry, EventId id) {
    for (JsonObject event : entry.events) {
      int c = EventId.parse(event.getString("id")).compareTo(id);
      if (c == 0) {
        return true;
      }
      if (c > 0) {
        return false;
      }
    }
    return false;
  }

  private void touch(Entry entry, Instant now) {
    replace(entry, entry.workflow.touched(now));
  }

  private void replace(Entry entry, Workflow next) {
    index(entry.workflow, false);
    entry.workflow = next;
    index(next, true);
  }

  private void remove(WorkflowKey key, Entry entry) {
    index(entry.workflow, false);
    entries.remove(key);
  }

  private void index(Workflow w, boolean add) {
    NavigableSet<Workflow> set = byTenant.computeIfAbsent(w.key().tenant(), t -> new TreeSet<>(NEWEST_FIRST));
    if (add) {
      set.add(w);
    } else {
      set.remove(w);
    }
  }

  /** The refusal of a change to a workflow in a terminal status, naming a cancel's reason. */
  private static ApiException closed(Entry entry) {
    return Lifecycle.closed(entry.workflow.key().id(), entry.workflow.status(),
        (String) entry.sides.get(CANCEL_REASON));
  }

  private static ApiException notFound(WorkflowKey key) {
    return ApiException.notFound("workflow '" + key.id() + "' does not exist");
  }

  /** A workflow that sorts exactly where the cursor's workflow did. */
  private static Workflow probe(String tenant, ListCursor cursor) {
    Instant created = Instant.ofEpochMilli(cursor.createdMillis());
    return new Workflow(new WorkflowKey(tenant, cursor.id()), WorkflowStatus.PENDING, new JsonObject(),
        new JsonObject(), 0, created, created, created, 0, 0, null, 0);
  }
}
