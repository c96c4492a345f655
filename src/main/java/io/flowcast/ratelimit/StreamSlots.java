package io.flowcast.ratelimit;

import io.vertx.core.Future;

import java.util.concurrent.atomic.AtomicBoolean;

/** The cap on a subject's concurrent SSE streams. */
public interface StreamSlots {

  /** Takes a place for one more stream of {@code partition}, unless {@code max} are open already. */
  Future<Slot> acquire(String partition, int max);

  /** A stream's place under the cap; {@link #release()} it when the stream ends (idempotent). */
  final class Slot {
    private final boolean granted;
    private final int open;
    private final Runnable releaser;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(boolean granted, int open, Runnable releaser) {
      this.granted = granted;
      this.open = open;
      this.releaser = releaser;
    }

    public static Slot granted(int open, Runnable releaser) {
      return new Slot(true, open, releaser);
    }

    public static Slot refused(int open) {
      return new Slot(false, open, () -> { });
    }

    public boolean granted() {
      return granted;
    }

    /** Streams counted for the partition, this one included when granted. */
    public int open() {
      return open;
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        releaser.run();
      }
    }
  }
}
