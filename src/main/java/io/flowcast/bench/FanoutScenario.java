package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bench fanout}: S subscribers on W workflows (subscriber j watches workflow j mod W), then
 * publishers send events for the warm-up and T seconds, then the run waits (up to {@code --drain}) for
 * every subscriber to have every event, and checks that each saw each seq of its workflow exactly once,
 * in order. Publishing and subscribing may go to different instances (cross-instance delivery). With
 * {@code --feed} the subscribers follow the tenant feed and the publishers PATCH the workflow: each must
 * see its versions in order, none twice, up to the last (coalesced ones are counted, not failed).
 */
final class FanoutScenario implements Scenario {
  private static final int OPEN_PARALLEL = 200;

  @Override
  public Future<Report> run(BenchContext ctx) {
    BenchOptions o = ctx.options();
    boolean flowcast = !o.generic();
    long baseline = flowcast ? 1 : 0;
    int publisherCount = flowcast ? o.publishers() : Math.min(o.publishers(), o.workflows());
    String pad = BenchPayload.padding(o.payloadBytes());
    FanoutStats stats = new FanoutStats();
    List<Subscriber> subscribers = new ArrayList<>();
    for (int j = 0; j < o.subscribers(); j++) {
      int w = j % o.workflows();
      Lane lane = ctx.lane(j);
      String token = ctx.tokens().forSubject("bench-s" + j);
      String workflowId = ctx.workflowId(w);
      subscribers.add(new Subscriber(lane, w, o.bridgePort() > 0
          ? events -> new BridgeStream(lane, Endpoint.parse(o.subscribeUrl()).host(), o.bridgePort(), workflowId, token,
              events)
          : events -> new SseConnection(lane, o.feed() ? Targets.feed(o) : Targets.stream(o, workflowId), token,
              flowcast, events),
          flowcast, o.feed(), baseline, stats));
    }
    List<Publisher> publishers = new ArrayList<>();
    for (int p = 0; p < publisherCount; p++) {
      List<Publisher.Slot> slots = new ArrayList<>();
      for (int w = o.workflows() >= publisherCount ? p : p % o.workflows(); w < o.workflows(); w += publisherCount) {
        slots.add(new Publisher.Slot(w, o.feed() ? Targets.patch(o.publishUrl(), ctx.workflowId(w))
            : Targets.publish(o, ctx.workflowId(w))));
      }
      publishers.add(new Publisher(ctx.publishingLane(), slots, (double) o.rate() / publisherCount, !flowcast,
          o.feed(), ctx.tokens().forSubject("bench-p" + p), pad, stats));
    }
    List<Subscriber> open = new ArrayList<>();
    AtomicReference<JsonObject> cpu = new AtomicReference<>(new JsonObject());
    AtomicReference<Double> perWrite = new AtomicReference<>();
    Future<Void> setup = flowcast ? WorkflowSetup.create(ctx, o.publishUrl(), o.workflows()) : Future.succeededFuture();
    return setup.compose(v -> Concurrently.run(subscribers.size(), OPEN_PARALLEL, j -> subscribers.get(j).open()
            .onSuccess(ok -> {
              synchronized (open) {
                open.add(subscribers.get(j));
              }
            })))
        .compose(v -> {
          if (open.isEmpty()) {
            return Future.failedFuture(new BenchException("no subscriber could open its stream: "
                + stats.subscribeErrors.toJson().encode()));
          }
          Window window = Window.startingNow(o.warmupSeconds(), o.durationSeconds());
          stats.start(window);
          Future<JsonObject> figures = ctx.cpuDuring(window).onSuccess(cpu::set);
          Future<Double> perWriteFigure = (flowcast ? ctx.eventsPerWriteDuring(window, o.subscribeUrl())
              : Future.<Double>succeededFuture()).onSuccess(perWrite::set);
          return Future.join(publishers.stream().map(Publisher::run).toList()).compose(x -> figures)
              .compose(x -> perWriteFigure);
        })
        .compose(v -> {
          long[] lastSeq = new long[o.workflows()];
          publishers.forEach(p -> p.slots().forEach(s -> lastSeq[s.workflow] = Math.max(lastSeq[s.workflow],
              s.lastAcked)));
          long deadline = System.nanoTime() + o.drainSeconds() * 1_000_000_000L;
          return drain(ctx, open, lastSeq, baseline, deadline)
              .compose(x -> Future.all(open.stream().map(s -> s.verdict(lastSeq[s.workflow()])).toList()))
              .map(verdicts -> report(o, stats, publisherCount, open, verdicts.<SeqChecker.Result>list(),
                  open.stream().allMatch(s -> s.progress() >= lastSeq[s.workflow()] - baseline))
                  .cpu(cpu.get()).eventsPerWrite(perWrite.get())
                  .cpuPer("delivery", "deliveries_per_s"));
        });
  }

  /** Waits until every subscriber has every acknowledged event, or the deadline. */
  private static Future<Void> drain(BenchContext ctx, List<Subscriber> open, long[] lastSeq, long baseline,
      long deadline) {
    boolean complete = open.stream().allMatch(s -> s.ended() || s.progress() >= lastSeq[s.workflow()] - baseline);
    if (complete || System.nanoTime() >= deadline) {
      return Future.succeededFuture();
    }
    return ctx.sleep(50).compose(v -> drain(ctx, open, lastSeq, baseline, deadline));
  }

  /**
   * @param reachedEnd every subscriber got the last acknowledged seq (on a feed, the last version: the
   *                   versions before it may have been coalesced, which is no gap there)
   */
  private static Report report(BenchOptions o, FanoutStats stats, int publisherCount, List<Subscriber> open,
      List<SeqChecker.Result> verdicts, boolean reachedEnd) {
    SeqChecker.Result sum = verdicts.stream().reduce(SeqChecker.Result.NONE, SeqChecker.Result::plus);
    long closedEarly = open.stream().filter(Subscriber::ended).count();
    double seconds = stats.window.seconds();
    boolean delivered = o.feed() ? reachedEnd && sum.duplicates() == 0 && sum.reorders() == 0 : sum.ok();
    boolean ok = delivered && closedEarly == 0 && open.size() == o.subscribers();
    JsonObject check = new JsonObject().put("ok", ok).put("subscribers_checked", sum.subscribers())
        .put("subscribers_failing", o.feed() ? 0 : sum.failing()).put("expected", sum.expected())
        .put("received", sum.received())
        .put(o.feed() ? "coalesced" : "gaps", sum.gaps()).put("duplicates", sum.duplicates())
        .put("reorders", sum.reorders()).put("reached_end", reachedEnd)
        .put("closed_early", closedEarly).put("unexpected_events", stats.malformed.sum());
    Report report = new Report(o)
        .put("mode", o.generic() ? "generic" : "flowcast", "mode")
        .put("subscribers_open", open.size(), "subscribers open (of " + o.subscribers() + ")")
        .put("workflows", o.workflows(), "workflows")
        .put("publishers", publisherCount, "publishers")
        .put("target_rate", o.rate(), "target events/s (0 = max)")
        .put("measured_s", seconds, "measured seconds")
        .put("published", stats.publishedInWindow.sum(), "events published (acked)")
        .put("published_per_s", Report.perSecond(stats.publishedInWindow.sum(), seconds), "events published/s")
        .put("unsent", stats.unsent.sum(), "events not sent (behind)")
        .put("deliveries", stats.deliveredInWindow.sum(), "deliveries")
        .put("deliveries_per_s", Report.perSecond(stats.deliveredInWindow.sum(), seconds), "deliveries/s")
        // copies: a late delivery may still be recorded while the report reads them (a histogram changed
        // under its iterator throws ConcurrentModificationException)
        .latency("publish_to_receive", stats.endToEnd.copy(), "publish-to-receive")
        .latency("publish_ack", stats.publishAck.copy(), "publish acknowledged in")
        .errors("publish_errors", stats.publishErrors, "publish errors")
        .errors("subscribe_errors", stats.subscribeErrors, "subscribe errors")
        .put("check", check, "correctness check")
        .json("timeline", stats.timeline());
    if (!ok) {
      report.fail("correctness check failed: " + check.encode());
    }
    if (stats.published.sum() == 0) {
      report.fail("no event was published");
    }
    return report;
  }
}
