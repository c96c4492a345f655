package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs {@code count} asynchronous tasks with at most {@code parallel} in flight (opening a thousand
 * streams at once would only fill the server's accept queue). Completes when every task has ended,
 * however it ended: tasks count their own failures.
 */
final class Concurrently {
  private Concurrently() {
  }

  static Future<Void> run(int count, int parallel, IntFunction<Future<?>> task) {
    if (count == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    Runnable[] chain = new Runnable[1];
    chain[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= count) {
        return;
      }
      Future<?> started;
      try {
        started = task.apply(i);
      } catch (RuntimeException e) {
        started = Future.failedFuture(e);
      }
      started.onComplete(ar -> {
        if (ended.incrementAndGet() == count) {
          done.tryComplete();
        } else {
          chain[0].run();
        }
      });
    };
    for (int i = 0; i < Math.min(count, parallel); i++) {
      chain[0].run();
    }
    return done.future();
  }
}
