package io.flowcast.ratelimit;

import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Streams counted in this process: the in-memory backend, and the fail-open fallback. */
public final class LocalStreamSlots implements StreamSlots {
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  @Override
  public Future<Slot> acquire(String partition, int max) {
    int[] now = new int[1];
    boolean[] granted = new boolean[1];
    open.compute(partition, (p, count) -> {
      int current = count == null ? 0 : count;
      granted[0] = current < max;
      now[0] = granted[0] ? current + 1 : current;
      return now[0] == 0 ? null : now[0];
    });
    return Future.succeededFuture(granted[0]
        ? Slot.granted(now[0], () -> open.computeIfPresent(partition, (p, count) -> count <= 1 ? null : count - 1))
        : Slot.refused(now[0]));
  }
}
