package io.flowcast.instances;

import io.vertx.core.Future;

import java.util.List;

/**
 * Where instances announce themselves: each renews its record every heartbeat, a record lives for its TTL
 * after its last renewal, and readers see only the live ones. In Redis every instance of the deployment
 * shares it; in memory it holds this instance alone. Handed out by the backend factories.
 */
public interface InstanceRegistry {

  /** Writes (or renews) the record of {@code record.id()}, alive for {@code ttlMs} from now. */
  Future<Void> beat(InstanceRecord record, long ttlMs);

  /** Removes the record of {@code id} at once (graceful stop). */
  Future<Void> leave(String id);

  /** The records of the live instances, by id; expired ones are dropped from the index on the way. */
  Future<List<InstanceRecord>> live();
}
