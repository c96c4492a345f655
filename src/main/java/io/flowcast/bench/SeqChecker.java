package io.flowcast.bench;

import java.util.BitSet;

/**
 * The correctness check of one subscriber: every seq after {@code baseline} arrives exactly once and in
 * increasing order. Remembers which seqs arrived (one bit each), so a late one is told apart from a
 * duplicate: a seq seen before is a duplicate, one below the highest seen is a reorder, and whatever
 * never arrived up to the last published seq is a gap.
 */
public final class SeqChecker {
  private final long baseline;
  private final BitSet seen = new BitSet();
  private long received;
  private long distinct;
  private long duplicates;
  private long reorders;
  private long maxSeen;

  /** @param baseline the last seq before the subscription began (nothing at or below it is expected) */
  public SeqChecker(long baseline) {
    this.baseline = baseline;
    this.maxSeen = baseline;
  }

  public void accept(long seq) {
    received++;
    long offset = seq - baseline - 1;
    if (offset < 0 || offset >= Integer.MAX_VALUE || seen.get((int) offset)) {
      duplicates++;
      return;
    }
    seen.set((int) offset);
    distinct++;
    if (seq < maxSeen) {
      reorders++;
    } else {
      maxSeen = seq;
    }
  }

  /** Seqs that arrived at least once. */
  public long distinct() {
    return distinct;
  }

  public long maxSeen() {
    return maxSeen;
  }

  /** The verdict once publishing is over; {@code lastSeq} is the workflow's last published seq. */
  public Result result(long lastSeq) {
    long expected = Math.max(lastSeq, maxSeen) - baseline;
    long gaps = expected - distinct;
    boolean failing = gaps != 0 || duplicates != 0 || reorders != 0;
    return new Result(1, failing ? 1 : 0, received, expected, gaps, duplicates, reorders);
  }

  /**
   * A verdict, for one subscriber or summed over many.
   *
   * @param subscribers how many subscribers it covers
   * @param failing     how many of them saw a gap, a duplicate or a reorder
   * @param received    every seq that arrived, duplicates included
   * @param expected    the seqs that should have arrived
   * @param gaps        expected seqs that never arrived
   * @param duplicates  arrivals of a seq already seen (or of one from before the subscription)
   * @param reorders    arrivals of a seq lower than one already seen
   */
  public record Result(long subscribers, long failing, long received, long expected, long gaps, long duplicates,
      long reorders) {
    public static final Result NONE = new Result(0, 0, 0, 0, 0, 0, 0);

    public boolean ok() {
      return failing == 0 && gaps == 0 && duplicates == 0 && reorders == 0;
    }

    public Result plus(Result other) {
      return new Result(subscribers + other.subscribers, failing + other.failing, received + other.received,
          expected + other.expected, gaps + other.gaps, duplicates + other.duplicates, reorders + other.reorders);
    }
  }
}
