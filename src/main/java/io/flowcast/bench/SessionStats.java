package io.flowcast.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.LongAdder;

/**
 * The figures of {@code bench sessions} over the measured part of its window, by the time each edit was
 * meant to be sent (its schedule), not the time the client got round to it: an open-loop load measured
 * from the actual send time hides whatever queue the client or the server built (coordinated omission).
 * Acknowledgement and own-stream latency, edits sent, acknowledged (PATCH, event) and failed. Safe from
 * any event loop.
 */
final class SessionStats implements EditTally {
  private volatile Window window = Window.NOT_STARTED;
  private final ConcurrentHistogram ack = new ConcurrentHistogram(3);
  private final ConcurrentHistogram stream = new ConcurrentHistogram(3);
  private final ConcurrentHistogram sendDelay = new ConcurrentHistogram(3);
  private final LongAdder ready = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder patches = new LongAdder();
  private final LongAdder events = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /** The sessions open before the clock starts: only edits meant for {@code measured} count. */
  void start(Window measured) {
    window = measured;
  }

  @Override
  public void sessionReady(long nanos) {
    ready.increment();
  }

  @Override
  public void sent(long intended, long sentNanos) {
    if (window.measures(intended)) {
      sent.increment();
      sendDelay.recordValue(Window.micros(sentNanos - intended));
    }
  }

  @Override
  public void acknowledged(long intended, long sentNanos, long answered, boolean event) {
    if (window.measures(intended)) {
      (event ? events : patches).increment();
      ack.recordValue(Window.micros(answered - intended));
    }
  }

  @Override
  public void failed(long intended, long sentNanos) {
    if (window.measures(intended)) {
      failed.increment();
    }
  }

  @Override
  public void delivered(long intended, long sentNanos, long received) {
    if (window.measures(intended)) {
      stream.recordValue(Window.micros(received - intended));
    }
  }

  long ready() {
    return ready.sum();
  }

  long sent() {
    return sent.sum();
  }

  long patches() {
    return patches.sum();
  }

  long events() {
    return events.sum();
  }

  long failed() {
    return failed.sum();
  }

  Histogram ack() {
    return ack;
  }

  Histogram stream() {
    return stream;
  }

  /** How late the client sent edits after their scheduled time: the bench's own share of the latency. */
  Histogram sendDelay() {
    return sendDelay;
  }
}
