package io.flowcast.workflow;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another per key, on the owning verticle's event loop. Used so this
 * instance never races itself on a workflow's compare-and-set: only writers on other instances can.
 */
final class KeyedSerializer<K> {
  private final Map<K, Future<?>> tails = new HashMap<>();

  <T> Future<T> run(K key, Supplier<Future<T>> task) {
    Future<?> previous = tails.get(key);
    Future<T> result = previous == null ? task.get() : previous.transform(ignored -> task.get());
    tails.put(key, result);
    result.onComplete(ar -> tails.remove(key, result));
    return result;
  }
}
