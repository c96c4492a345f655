package io.flowcast.memory;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.IdempotencyClaim;
import io.flowcast.workflow.IdempotencyRecords;
import io.vertx.core.Future;

import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/**
 * The Idempotency-Key records of the in-memory backend, with the Redis records' behaviour: guarded by the
 * store's lock, so the store checks a claim and marks it applied in the same step as the change
 * ({@link #hold}, {@link #applied}). Time comes from the store's clock.
 */
final class InMemoryIdempotency implements IdempotencyRecords {
  private final Object lock;
  private final Clock clock;
  private final Map<String, Entry> records = new HashMap<>();
  private long nextSweep;

  private static final class Entry {
    final String fingerprint;
    final String owner;
    final long ttlMs;
    String state = IN_FLIGHT;
    Answer answer;
    long expiresAt;

    Entry(String fingerprint, String owner, long ttlMs, long expiresAt) {
      this.fingerprint = fingerprint;
      this.owner = owner;
      this.ttlMs = ttlMs;
      this.expiresAt = expiresAt;
    }
  }

  /** @param lock the store's lock: the store checks and marks claims under it */
  InMemoryIdempotency(Object lock, Clock clock) {
    this.lock = lock;
    this.clock = clock;
  }

  @Override
  public Future<Reservation> reserve(Scope scope, String fingerprint, long leaseMs, long ttlMs) {
    String name = scope.workflow().tag() + ":" + scope.digest();
    synchronized (lock) {
      long now = clock.millis();
      sweep(now);
      Entry entry = live(name, now);
      if (entry != null) {
        return Future.succeededFuture(new Reservation(null, new Found(entry.fingerprint, entry.state, entry.answer)));
      }
      String owner = UUID.randomUUID().toString();
      records.put(name, new Entry(fingerprint, owner, ttlMs, now + leaseMs));
      return Future.succeededFuture(new Reservation(new IdempotencyClaim(name, owner, scope.workflow().tag()), null));
    }
  }

  @Override
  public Future<Boolean> complete(IdempotencyClaim claim, Answer answer, long ttlMs) {
    synchronized (lock) {
      long now = clock.millis();
      Entry entry = live(claim.record(), now);
      if (entry == null || !entry.owner.equals(claim.owner())) {
        return Future.succeededFuture(false);
      }
      entry.state = DONE;
      entry.answer = answer;
      entry.expiresAt = now + ttlMs;
      return Future.succeededFuture(true);
    }
  }

  @Override
  public Future<Void> release(IdempotencyClaim claim) {
    synchronized (lock) {
      Entry entry = live(claim.record(), clock.millis());
      if (entry != null && entry.owner.equals(claim.owner()) && entry.state.equals(IN_FLIGHT)) {
        records.remove(claim.record());
      }
      return Future.succeededFuture();
    }
  }

  /** Under the store's lock, before a change: refused (409) when the claim's record is no longer its own. */
  ApiException hold(IdempotencyClaim claim) {
    if (claim == null) {
      return null;
    }
    Entry entry = live(claim.record(), clock.millis());
    return entry != null && entry.owner.equals(claim.owner()) ? null : IdempotencyRecords.unclaimed();
  }

  /** Under the store's lock, with the change: the record now says that its request was applied. */
  void applied(IdempotencyClaim claim) {
    if (claim == null) {
      return;
    }
    Entry entry = live(claim.record(), clock.millis());
    if (entry != null && entry.owner.equals(claim.owner()) && entry.state.equals(IN_FLIGHT)) {
      entry.state = APPLIED;
      entry.expiresAt = clock.millis() + entry.ttlMs;
    }
  }

  private Entry live(String name, long now) {
    Entry entry = records.get(name);
    return entry == null || entry.expiresAt <= now ? null : entry;
  }

  /** Drops expired records, at most once a second. */
  private void sweep(long now) {
    if (now < nextSweep) {
      return;
    }
    nextSweep = now + 1000;
    for (Iterator<Entry> it = records.values().iterator(); it.hasNext(); ) {
      if (it.next().expiresAt <= now) {
        it.remove();
      }
    }
  }
}
