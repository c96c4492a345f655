package io.flowcast.workflow;

import io.flowcast.bus.ApiException;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another per key, on the owning verticle's event loop. Used so this
 * instance never races itself on a workflow's compare-and-set: only writers on other instances can.
 */
final class KeyedSerializer<K> {
  /** More writers than this queued on one key get a 503 instead of an ever longer wait. */
  static final int MAX_QUEUED = 256;

  private final Map<K, Future<?>> tails = new HashMap<>();
  private final Map<K, Integer> queued = new HashMap<>();

  <T> Future<T> run(K key, Supplier<Future<T>> task) {
    int waiting = queued.getOrDefault(key, 0);
    if (waiting >= MAX_QUEUED) {
      return Future.failedFuture(ApiException.unavailable("too many concurrent changes to this workflow; retry"));
    }
    queued.put(key, waiting + 1);
    Future<?> previous = tails.get(key);
    Future<T> result = previous == null ? task.get() : previous.transform(ignored -> task.get());
    tails.put(key, result);
    result.onComplete(ar -> {
      tails.remove(key, result);
      queued.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
    });
    return result;
  }
}
