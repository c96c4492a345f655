package io.flowcast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.ConcurrentHistogram;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** The counters of a fan-out run, shared by every publisher and subscriber (any event loop). */
final class FanoutStats {
  private static final int TIMELINE_SECONDS = 800;
  /** Measures nothing until {@link #start} (while subscribers open). */
  volatile Window window = Window.NOT_STARTED;
  /** Publish (send) to receive, per delivery of an event sent in the measured window. */
  final ConcurrentHistogram endToEnd = new ConcurrentHistogram(3);
  /** Publish request to its acknowledgement, for requests sent in the measured window. */
  final ConcurrentHistogram publishAck = new ConcurrentHistogram(3);
  final LongAdder published = new LongAdder();
  final LongAdder publishedInWindow = new LongAdder();
  final LongAdder unsent = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder deliveredInWindow = new LongAdder();
  final LongAdder malformed = new LongAdder();
  final ErrorCounts publishErrors = new ErrorCounts();
  final ErrorCounts subscribeErrors = new ErrorCounts();
  /** Per second since the start (warm-up included): events acknowledged, deliveries, slowest delivery. */
  private final AtomicLongArray publishedAt = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicLongArray deliveredAt = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicLongArray slowestAt = new AtomicLongArray(TIMELINE_SECONDS);

  void start(Window measured) {
    this.window = measured;
  }

  void acknowledged(long sentNanos, long ackNanos) {
    published.increment();
    int second = second(ackNanos);
    if (second >= 0) {
      publishedAt.incrementAndGet(second);
    }
    if (window.measures(sentNanos)) {
      publishedInWindow.increment();
      publishAck.recordValue(Window.micros(ackNanos - sentNanos));
    }
  }

  void delivered(long sentNanos, long receivedNanos) {
    delivered.increment();
    if (window.measures(receivedNanos)) {
      deliveredInWindow.increment();
    }
    if (sentNanos != Long.MIN_VALUE && window.measures(sentNanos)) {
      endToEnd.recordValue(Window.micros(receivedNanos - sentNanos));
    }
    int second = second(receivedNanos);
    if (second >= 0) {
      deliveredAt.incrementAndGet(second);
      if (sentNanos != Long.MIN_VALUE) {
        slowestAt.accumulateAndGet(second, Window.micros(receivedNanos - sentNanos), Math::max);
      }
    }
  }

  private int second(long nanos) {
    long second = (nanos - window.start()) / 1_000_000_000L;
    return second >= 0 && second < TIMELINE_SECONDS ? (int) second : -1;
  }

  /** One entry per second that saw anything: a stall shows up here even when the percentiles hide it. */
  JsonArray timeline() {
    JsonArray seconds = new JsonArray();
    for (int i = 0; i < TIMELINE_SECONDS; i++) {
      if (publishedAt.get(i) > 0 || deliveredAt.get(i) > 0) {
        seconds.add(new JsonObject().put("s", i).put("published", publishedAt.get(i))
            .put("delivered", deliveredAt.get(i)).put("slowest_ms", slowestAt.get(i) / 1000.0));
      }
    }
    return seconds;
  }
}
