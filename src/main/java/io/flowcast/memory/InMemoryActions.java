package io.flowcast.memory;

import io.flowcast.actions.Action;
import io.flowcast.workflow.EventId;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One workflow's actions in memory, kept beside it by the in-memory store (and gone with it). Only
 * touched inside {@code InMemoryWorkflowStore.withLive}, under the store's lock.
 */
final class InMemoryActions {
  /** By id, in the order they were first queued (the list order). */
  final Map<String, Action> byId = new LinkedHashMap<>();
  /** Queued actions by their place in the queue; a retried action goes to the end. */
  final TreeMap<Long, String> queue = new TreeMap<>();
  /** Claimed actions by lease deadline, so the longest-expired lease is found first. */
  final TreeSet<Lease> leases = new TreeSet<>(Comparator.comparing(Lease::deadline).thenComparing(Lease::actionId));
  private long nextPlace;
  private EventId lastSince;

  record Lease(Instant deadline, String actionId) {
  }

  void enqueue(String actionId) {
    queue.put(nextPlace++, actionId);
  }

  /** The next list cursor value, in the form of the Redis backend (a stream entry id). */
  String nextSince(Instant now) {
    lastSince = lastSince == null ? new EventId(now.toEpochMilli(), 0) : lastSince.next(now.toEpochMilli());
    return lastSince.toString();
  }
}
