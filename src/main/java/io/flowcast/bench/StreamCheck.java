package io.flowcast.bench;

import io.vertx.core.json.JsonObject;

/**
 * {@code bench sessions}: whether every acknowledged edit reached its session's own stream as the event
 * the server answered (a PATCH's {@code state.updated} of the version it answered, an event of the seq
 * it answered), once, and whether every stream stayed open. Summed over the sessions after the drain.
 */
final class StreamCheck {
  private long acknowledged;
  private long seen;
  private long missing;
  private long mismatched;
  private long repeated;
  private long madeTwice;
  private long resets;
  private long closedEarly;

  /**
   * One session's edits: {@code repeated} frames were the same event again, {@code madeTwice} another event
   * (another version or seq) carrying an edit already seen, as if the server had applied one request twice;
   * {@code resets} frames told the stream its position was gone (it then starts again from the workflow
   * they carry: the events after it come again, the ones before it are skipped).
   */
  synchronized void add(long acknowledged, long seen, long missing, long mismatched, long repeated, long madeTwice,
      long resets, boolean closed) {
    this.acknowledged += acknowledged;
    this.seen += seen;
    this.missing += missing;
    this.mismatched += mismatched;
    this.repeated += repeated;
    this.madeTwice += madeTwice;
    this.resets += resets;
    closedEarly += closed ? 1 : 0;
  }

  synchronized boolean ok() {
    return acknowledged > 0 && missing == 0 && mismatched == 0 && repeated == 0 && madeTwice == 0
        && resets == 0 && closedEarly == 0;
  }

  /** Why the check failed, or null. */
  synchronized String failure() {
    if (ok()) {
      return null;
    }
    return acknowledged == 0 ? "no edit was acknowledged" : String.format(java.util.Locale.ROOT,
        "own streams: %d of %d acknowledged edits never arrived, %d arrived as another version or seq, %d frames "
            + "came twice, %d edits came as two events, %d resets; %d streams closed early", missing, acknowledged,
        mismatched, repeated, madeTwice, resets, closedEarly);
  }

  synchronized JsonObject toJson() {
    return new JsonObject().put("ok", ok()).put("acknowledged", acknowledged).put("seen", seen)
        .put("missing", missing).put("mismatched", mismatched).put("repeated", repeated).put("made_twice", madeTwice)
        .put("resets", resets).put("streams_closed_early", closedEarly);
  }
}
