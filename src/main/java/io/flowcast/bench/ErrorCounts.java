package io.flowcast.bench;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonObject;

import java.net.ConnectException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/** Failed operations by cause: the HTTP status, or the kind of I/O failure. Safe from any event loop. */
final class ErrorCounts {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void status(int status) {
    add(String.valueOf(status));
  }

  void failure(Throwable err) {
    add(kind(err));
  }

  void add(String kind) {
    counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    new TreeMap<>(counts).forEach((kind, count) -> json.put(kind, count.sum()));
    return json;
  }

  static String kind(Throwable err) {
    if (err instanceof TimeoutException || err.getClass().getSimpleName().contains("Timeout")) {
      return "timeout";
    }
    if (err instanceof ConnectException || err.getCause() instanceof ConnectException) {
      return "connect";
    }
    if (err instanceof HttpClosedException || err instanceof VertxException && String.valueOf(err.getMessage())
        .toLowerCase(java.util.Locale.ROOT).contains("closed")) {
      return "closed";
    }
    return err.getClass().getSimpleName();
  }
}
