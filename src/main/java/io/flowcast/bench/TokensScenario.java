package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code bench tokens}: S subscribers on one workflow, and P publishers each streaming a model answer chunk
 * by chunk in a closed loop, as token streams ({@code --as outputs}: {@code POST .../outputs/{name}/append},
 * the default) or as the same text sent as plain events ({@code --as events}: {@code POST .../events}), for
 * the warm-up and T seconds, as fast as each answer is acknowledged ({@code --rate 0}) or at R chunks/s in all. Each subscriber checks its chunks arrive without gap or duplicate (by offset,
 * or by seq). Reports chunks/s, deliveries/s and the server's CPU per delivery (per chunk per subscriber).
 */
final class TokensScenario implements Scenario {
  private static final int OPEN_PARALLEL = 200;

  /** What every subscriber counted. */
  private static final class Stats {
    volatile Window window = Window.NOT_STARTED;
    final LongAdder chunks = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder broken = new LongAdder();
    final LongAdder publishErrors = new LongAdder();
    final ErrorCounts subscribeErrors = new ErrorCounts();
  }

  @Override
  public Future<Report> run(BenchContext ctx) {
    BenchOptions o = ctx.options();
    boolean outputs = !"events".equals(o.chunksAs());
    String chunk = "tok " + BenchPayload.padding(Math.max(0, o.payloadBytes() - 4));
    Stats stats = new Stats();
    String workflowId = ctx.workflowId(0);
    List<SseConnection> subscribers = new ArrayList<>();
    for (int j = 0; j < o.subscribers(); j++) {
      subscribers.add(new SseConnection(ctx.lane(j), Targets.stream(o, workflowId),
          ctx.tokens().forSubject("bench-s" + j), true, new Follower(outputs, stats)));
    }
    AtomicReference<JsonObject> cpu = new AtomicReference<>(new JsonObject());
    List<SseConnection> open = new ArrayList<>();
    return WorkflowSetup.create(ctx, o.publishUrl(), 1)
        .compose(v -> Concurrently.run(subscribers.size(), OPEN_PARALLEL, j -> subscribers.get(j)
            .open(stats.subscribeErrors).onSuccess(ok -> {
              synchronized (open) {
                open.add(subscribers.get(j));
              }
            })))
        .compose(v -> {
          Window window = Window.startingNow(o.warmupSeconds(), o.durationSeconds());
          stats.window = window;
          Future<JsonObject> figures = ctx.cpuDuring(window).onSuccess(cpu::set);
          List<Future<Void>> publishing = new ArrayList<>();
          for (int p = 0; p < o.publishers(); p++) {
            publishing.add(publish(ctx, p, outputs, chunk, workflowId, window, stats));
          }
          return Future.join(publishing).compose(x -> figures);
        })
        .compose(v -> ctx.sleep(Math.min(2000, o.drainSeconds() * 1000L)))
        .map(v -> {
          double seconds = stats.window.seconds();
          long closedEarly = open.stream().filter(SseConnection::ended).count();
          Report report = new Report(o)
              .put("as", outputs ? "outputs" : "events", "chunks sent as")
              .put("subscribers_open", open.size(), "subscribers open (of " + o.subscribers() + ")")
              .put("publishers", o.publishers(), "publishers (closed loop, one answer each)")
              .put("chunk_bytes", chunk.length(), "chunk bytes")
              .put("chunks", stats.chunks.sum(), "chunks acknowledged")
              .put("chunks_per_s", Report.perSecond(stats.chunks.sum(), seconds), "chunks/s")
              .put("deliveries", stats.deliveries.sum(), "deliveries")
              .put("deliveries_per_s", Report.perSecond(stats.deliveries.sum(), seconds), "deliveries/s")
              .put("broken", stats.broken.sum(), "deliveries out of order, gapped or duplicated")
              .put("closed_early", closedEarly, "streams closed early")
              .put("publish_errors", stats.publishErrors.sum(), "publish errors")
              .errors("subscribe_errors", stats.subscribeErrors, "subscribe errors")
              .cpu(cpu.get()).cpuPer("delivery", "deliveries_per_s").cpuPer("chunk", "chunks_per_s");
          if (stats.broken.sum() > 0 || closedEarly > 0 || open.size() < o.subscribers()) {
            report.fail("correctness check failed: " + stats.broken.sum() + " broken, " + closedEarly
                + " closed early, " + open.size() + " of " + o.subscribers() + " open");
          }
          if (stats.chunks.sum() == 0) {
            report.fail("no chunk was acknowledged");
          }
          return report;
        });
  }

  /** One answer after another on publisher {@code p}'s output until the window ends (a full output: the next one). */
  private static Future<Void> publish(BenchContext ctx, int p, boolean outputs, String chunk, String workflowId,
      Window window, Stats stats) {
    Lane lane = ctx.publishingLane();
    String token = ctx.tokens().forSubject("bench-p" + p);
    String base = ctx.options().publishUrl();
    AtomicLong answer = new AtomicLong();
    String body = outputs ? new JsonObject().put("text", chunk).encode()
        : new JsonObject().put("type", "bench.chunk").put("data", new JsonObject().put("name", "p" + p)
            .put("text", chunk)).encode();
    Promise<Void> done = Promise.promise();
    Runnable[] next = new Runnable[1];
    Runnable[] paced = new Runnable[1];
    double perPublisher = ctx.options().rate() / (double) ctx.options().publishers();
    AtomicLong sent = new AtomicLong();
    // at a rate: the next chunk when it is due (at once when behind); without one: at once
    paced[0] = () -> {
      long due = perPublisher <= 0 ? 0 : window.start() + (long) (sent.get() * 1e9 / perPublisher);
      long waitMs = (due - System.nanoTime()) / 1_000_000;
      if (waitMs > 0) {
        lane.timer(waitMs, next[0]);
      } else {
        next[0].run();
      }
    };
    next[0] = () -> {
      sent.incrementAndGet();
      if (window.over(System.nanoTime())) {
        done.complete();
        return;
      }
      String path = outputs ? "/outputs/p" + p + "-" + answer.get() + "/append" : "/events";
      lane.send(Targets.patch(base, workflowId).plus(path).request(HttpMethod.POST), token,
              "application/json", body)
          .onComplete(ar -> {
            if (ar.succeeded() && ar.result().success()) {
              if (window.measures(System.nanoTime())) {
                stats.chunks.increment();
              }
            } else if (ar.succeeded() && ar.result().status() == 413) {
              answer.incrementAndGet(); // the answer is full: the model starts the next one
            } else {
              stats.publishErrors.increment();
            }
            paced[0].run();
          });
    };
    lane.call(() -> {
      next[0].run();
      return Future.succeededFuture();
    });
    return done.future();
  }

  /** A subscriber's view: each output's length (or the last seq), to check every chunk comes once, in order. */
  private record Follower(boolean outputs, Stats stats, Map<String, Long> ends, long[] lastSeq)
      implements SseLineParser.Listener {
    Follower(boolean outputs, Stats stats) {
      this(outputs, stats, new HashMap<>(), new long[] {-1});
    }

    @Override
    public void event(String id, String type, String data) {
      if (!type.equals(outputs ? "output.delta" : "bench.chunk")) {
        if (type.equals("output.snapshot")) {
          JsonObject snapshot = new JsonObject(data);
          ends.put(snapshot.getString("name"), (long) snapshot.getString("text").length());
        }
        return;
      }
      JsonObject frame = new JsonObject(data);
      if (outputs) {
        String name = frame.getString("name");
        long end = ends.getOrDefault(name, 0L);
        if (frame.getLong("offset") != end) {
          stats.broken.increment();
        }
        ends.put(name, frame.getLong("offset") + frame.getString("text").length());
      } else {
        long seq = frame.getLong("seq");
        if (lastSeq[0] >= 0 && seq != lastSeq[0] + 1) {
          stats.broken.increment();
        }
        lastSeq[0] = seq;
      }
      if (stats.window.measures(System.nanoTime())) {
        stats.deliveries.increment();
      }
    }
  }
}
