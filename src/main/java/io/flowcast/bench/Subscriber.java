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
  private final FanoutStats stats;
  private final SeqChecker checker;
  private final EventStream connection;
  private volatile long progress;

  /**
   * @param baseline the workflow's last seq before publishing starts
   * @param stream   opens the subscriber's stream, given where its events go
   */
  Subscriber(Lane lane, int workflow, java.util.function.Function<SseLineParser.Listener, EventStream> stream,
      boolean flowcast, long baseline, FanoutStats stats) {
    this.lane = lane;
    this.workflow = workflow;
    this.flowcast = flowcast;
    this.stats = stats;
    this.checker = new SeqChecker(baseline);
    this.connection = stream.apply(this);
  }

  Future<Void> open() {
    return connection.open(stats.subscribeErrors);
  }

  int workflow() {
    return workflow;
  }

  /** How many distinct seqs arrived so far. */
  long progress() {
    return progress;
  }

  boolean ended() {
    return connection.ended();
  }

  @Override
  public void event(String id, String type, String data) {
    long now = System.nanoTime();
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

  /** The verdict once publishing is over, read on the subscriber's lane. */
  Future<SeqChecker.Result> verdict(long lastSeq) {
    return lane.call(() -> Future.succeededFuture(checker.result(lastSeq)));
  }

  Future<Void> close() {
    return connection.close();
  }
}
