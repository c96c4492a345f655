package io.flowcast.memory;

import io.flowcast.presence.Member;
import io.flowcast.presence.Presence;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.Lifecycle;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Presence on the in-memory backend: the leases kept beside each workflow by the store, changed with their
 * events under the store's lock (one atomic step, as {@code presence.lua} is on Redis).
 */
public final class InMemoryPresence implements Presence {
  private static final String SIDE = "presence";
  private final InMemoryWorkflowStore store;
  /**
   * The workflows that hold leases, by the latest expiry among them (the Redis index's counterpart): one is
   * due for the sweep once that has passed (before, a renewal of a live lease drops any that ran out).
   */
  private final Map<WorkflowKey, Instant> holding = new HashMap<>();

  /** A lease: its subject and status, when it began, when its status was set, when it runs out. */
  private record Lease(String subject, String status, Instant joined, Instant set, Instant expires) {
  }

  InMemoryPresence(InMemoryWorkflowStore store) {
    this.store = store;
  }

  @Override
  public Future<Outcome> set(WorkflowKey key, String holder, String status, Instant now, Instant expires, Actor actor) {
    return change(key, now, actor, leases -> {
      String field = holder + "\n" + actor.subject();
      Lease old = leases.get(field);
      boolean same = old != null && java.util.Objects.equals(old.status(), status);
      leases.put(field, new Lease(actor.subject(), status, old == null ? now : old.joined(),
          same ? old.set() : now, expires));
    });
  }

  @Override
  public Future<Outcome> leave(WorkflowKey key, String holder, Instant now, Actor actor) {
    return change(key, now, actor, leases -> leases.remove(holder + "\n" + actor.subject()));
  }

  @Override
  public Future<Outcome> list(WorkflowKey key, Instant now) {
    return change(key, now, null, leases -> {
    });
  }

  @Override
  public Future<List<WorkflowKey>> due(Instant now, int limit) {
    synchronized (store) {
      return Future.succeededFuture(holding.entrySet().stream().filter(e -> !e.getValue().isAfter(now))
          .map(Map.Entry::getKey).limit(limit).toList());
    }
  }

  private Future<Outcome> change(WorkflowKey key, Instant now, Actor actor,
      java.util.function.Consumer<Map<String, Lease>> op) {
    synchronized (store) {
      Future<Outcome> outcome = store.withLive(key, live -> {
        Map<String, Lease> leases = live.side(SIDE, HashMap::new);
        Map<String, Member> before = members(leases);
        Set<String> expired = new LinkedHashSet<>();
        leases.values().removeIf(lease -> {
          boolean out = !lease.expires().isAfter(now);
          if (out) {
            expired.add(lease.subject());
          }
          return out;
        });
        op.accept(leases);
        Map<String, Member> after = members(leases);
        if (leases.isEmpty()) {
          holding.remove(key);
        } else {
          holding.put(key, leases.values().stream().map(Lease::expires).max(Instant::compareTo).orElseThrow());
        }
        List<Mutation> events = new ArrayList<>();
        if (!Lifecycle.terminal(live.workflow().status())) {
          for (Transition t : transitions(before, after, expired, actor)) {
            events.add(live.append(t.type(), t.data(), t.actor()));
          }
        }
        return new Outcome(List.copyOf(after.values()), events);
      });
      if (outcome.failed()) {
        holding.remove(key);
      }
      return outcome;
    }
  }

  /** The members of the leases, by subject (sorted). */
  private static Map<String, Member> members(Map<String, Lease> leases) {
    Map<String, Lease> latest = new TreeMap<>();
    Map<String, Instant> joined = new HashMap<>();
    for (Lease lease : leases.values()) {
      Lease seen = latest.get(lease.subject());
      if (seen == null || lease.set().isAfter(seen.set())) {
        latest.put(lease.subject(), lease);
      }
      joined.merge(lease.subject(), lease.joined(), (a, b) -> a.isBefore(b) ? a : b);
    }
    Map<String, Member> members = new TreeMap<>();
    latest.forEach((subject, lease) -> members.put(subject, new Member(subject, lease.status(), joined.get(subject))));
    return members;
  }

  private record Transition(String type, JsonObject data, Actor actor) {
  }

  /**
   * The events between two member lists: who joined, whose status changed, who left ({@code expired} when a
   * lease that ran out took the last of a subject's, unless the caller itself left).
   */
  private static List<Transition> transitions(Map<String, Member> before, Map<String, Member> after,
      Set<String> expired, Actor caller) {
    List<Transition> out = new ArrayList<>();
    Set<String> subjects = new java.util.TreeSet<>(before.keySet());
    subjects.addAll(after.keySet());
    for (String subject : subjects) {
      Member was = before.get(subject);
      Member is = after.get(subject);
      boolean callers = caller != null && caller.subject().equals(subject);
      Actor actor = callers ? caller : Actor.SYSTEM;
      if (was == null) {
        out.add(new Transition(EventTypes.PRESENCE_JOINED, new JsonObject().put("subject", subject)
            .put("status", is.status()), actor));
      } else if (is == null) {
        String reason = expired.contains(subject) && !callers ? "expired" : "left";
        out.add(new Transition(EventTypes.PRESENCE_LEFT, new JsonObject().put("subject", subject)
            .put("reason", reason), actor));
      } else if (!java.util.Objects.equals(was.status(), is.status())) {
        out.add(new Transition(EventTypes.PRESENCE_UPDATED, new JsonObject().put("subject", subject)
            .put("status", is.status()).put("from", was.status()), actor));
      }
    }
    return out;
  }
}
