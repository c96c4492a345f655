package io.flowcast.workflow;

/**
 * A workflow's epoch names one life of its id: event ids are {@code <epoch>-<seq>}, so a client holding
 * an id of an earlier life (deleted and created again, or lost by the backend) is told to reset instead
 * of resuming into numbers that now mean other events. An epoch is a clock reading in microseconds at
 * creation, raised above every earlier epoch the backend still knows for the id: it never repeats for
 * an id and grows with each life (the in-memory backend: above every epoch it issued; Redis:
 * {@code create.lua}, on the Redis server's clock, above the id's mark and the epoch PostgreSQL holds).
 */
public final class Epochs {
  private long last;

  /** The next epoch at {@code nowMicros}: strictly greater than every one issued before. */
  public synchronized long next(long nowMicros) {
    last = Math.max(nowMicros, last + 1);
    return last;
  }

  /** The id of the event with {@code seq} in the life {@code epoch}. */
  public static String eventId(long epoch, long seq) {
    return epoch + "-" + seq;
  }
}
