package io.flowcast.memory;

import io.flowcast.instances.InstanceRecord;
import io.flowcast.instances.InstanceRegistry;
import io.vertx.core.Future;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of the in-memory backend: this instance alone (nothing else shares its memory), with the
 * same lease rule as in Redis, read on the backend's clock.
 */
final class InMemoryInstanceRegistry implements InstanceRegistry {
  private record Lease(InstanceRecord record, Instant until) {
  }

  private final Clock clock;
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();

  InMemoryInstanceRegistry(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Void> beat(InstanceRecord record, long ttlMs) {
    leases.put(record.id(), new Lease(record, clock.instant().plusMillis(ttlMs)));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> leave(String id) {
    leases.remove(id);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<InstanceRecord>> live() {
    Instant now = clock.instant();
    leases.values().removeIf(lease -> !lease.until().isAfter(now));
    return Future.succeededFuture(leases.values().stream().map(Lease::record)
        .sorted(Comparator.comparing(InstanceRecord::id)).toList());
  }
}
