package io.flowcast.bench;

import io.vertx.core.Future;

/**
 * A fan-out subscriber: one SSE stream (or bridge registration) of one workflow, checking every event it gets (exactly once, in
 * order) and timing it from the publisher's send. Its state lives on its lane; {@link #progress()} may
 * be read from anywhere.
 */
final class Subscriber implements SseLineParser.Listener {
  private final Lane lane;
  private final int workflow;
  private final boolean flowcast;
  /** A tenant feed: entries carry the workflow's version, and coalesced versions are not gaps. */
  private final boolean feed;
  private final FanoutStats stats;
  private final SeqChecker checker;
  private final long baseline;
  private final EventStream connection;
  private volatile long progress;

  /**
   * @param baseline the workflow's last seq before publishing starts
   * @param stream   opens the subscriber's stream, given where its events go
   */
  Subscriber(Lane lane, int workflow, java.util.function.Function<SseLineParser.Listener, EventStream> stream,
      boolean flowcast, boolean feed, long baseline, FanoutStats stats) {
    this.lane = lane;
    this.workflow = workflow;
    this.flowcast = flowcast;
    this.feed = feed;
    this.stats = stats;
    this.checker = new SeqChecker(baseline);
    this.baseline = baseline;
    this.connection = stream.apply(this);
  }

  Future<Void> open() {
    return connection.open(stats.subscribeErrors);
  }

  int workflow() {
    return workflow;
  }

  /** How many distinct seqs arrived so far (on a feed: how far its versions got). */
  long progress() {
    return progress;
  }

  boolean ended() {
    return connection.ended();
  }

  @Override
  public void event(String id, String type, String data) {
    long now = System.nanoTime();
    if (feed) {
      feedEntry(type, data, now);
      return;
    }
    if (flowcast && !BenchPayload.EVENT_TYPE.equals(type)) {
      if (!type.equals("snapshot")) {
        stats.malformed.increment();
      }
      return;
    }
    long seq = BenchPayload.seq(data);
    if (seq == Long.MIN_VALUE) {
      stats.malformed.increment();
      return;
    }
    checker.accept(seq);
    progress = checker.distinct();
    stats.delivered(BenchPayload.sentNanos(data), now);
  }

  private void feedEntry(String type, String data, long now) {
    if (type.equals("snapshot")) {
      return;
    }
    long version = BenchPayload.version(data);
    if (!type.equals("workflow.changed") || version == Long.MIN_VALUE) {
      stats.malformed.increment();
      return;
    }
    checker.accept(version);
    progress = checker.maxSeen() - baseline;
    // a feed entry carries no send time: deliveries are counted, not timed
    stats.delivered(Long.MIN_VALUE, now);
  }

  /** The verdict once publishing is over, read on the subscriber's lane. */
  Future<SeqChecker.Result> verdict(long lastSeq) {
    return lane.call(() -> Future.succeededFuture(checker.result(lastSeq)));
  }

  Future<Void> close() {
    return connection.close();
  }
}
