package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench idle}: opens N SSE streams over W workflows and holds them, idle, for T seconds; reports
 * how many opened and stayed open, and, given the server's pid, its resident memory before and after
 * (the cost of an idle stream, roughly: the JVM's heap grows in steps, so use many streams).
 */
final class IdleScenario implements Scenario {
  private static final int OPEN_PARALLEL = 256;
  private static final long SETTLE_MS = 2000;

  @Override
  public Future<Report> run(BenchContext ctx) {
    BenchOptions o = ctx.options();
    ErrorCounts errors = new ErrorCounts();
    List<SseConnection> streams = new ArrayList<>();
    for (int i = 0; i < o.streams(); i++) {
      streams.add(new SseConnection(ctx.lane(i), Targets.stream(o, ctx.workflowId(i % o.workflows())),
          ctx.tokens().forSubject("bench-s" + i), !o.generic(), (id, type, data) -> { }));
    }
    AtomicInteger opened = new AtomicInteger();
    long[] rss = new long[3];
    long[] times = new long[2];
    CpuSampler cpu = new CpuSampler(o.serverPids());
    Future<Void> setup = o.generic() ? Future.succeededFuture()
        : WorkflowSetup.create(ctx, o.subscribeUrl(), o.workflows());
    return setup.compose(v -> {
      rss[0] = rss(o);
      times[0] = System.nanoTime();
      return Concurrently.run(streams.size(), OPEN_PARALLEL, i -> streams.get(i).open(errors)
          .onSuccess(ok -> opened.incrementAndGet()));
    }).compose(v -> {
      times[1] = System.nanoTime();
      if (opened.get() == 0) {
        return Future.failedFuture(new BenchException("no stream could be opened: " + errors.toJson().encode()));
      }
      return ctx.sleep(Math.min(SETTLE_MS, o.durationSeconds() * 1000L));
    }).compose(v -> {
      rss[1] = rss(o);
      cpu.start();
      return ctx.sleep(Math.max(0, o.durationSeconds() * 1000L - SETTLE_MS));
    }).map(v -> {
      rss[2] = rss(o);
      JsonObject figures = cpu.stop();
      long stillOpen = streams.stream().filter(s -> !s.ended()).count();
      long heartbeats = streams.stream().mapToLong(SseConnection::comments).sum();
      Report report = new Report(o)
          .put("mode", o.generic() ? "generic" : "flowcast", "mode")
          .put("requested", o.streams(), "streams requested")
          .put("opened", opened.get(), "streams opened")
          .put("open_seconds", Math.round((times[1] - times[0]) / 1e7) / 100.0, "seconds to open them")
          .put("held_s", o.durationSeconds(), "held for seconds")
          .put("still_open", stillOpen, "still open at the end")
          .put("comments", heartbeats, "heartbeat comments seen")
          .errors("errors", errors, "errors")
          .cpu(figures);
      if (!o.serverPids().isEmpty()) {
        report.put("server_rss_before_kib", rss[0], "server RSS before (KiB)")
            .put("server_rss_open_kib", rss[1], "server RSS, streams open (KiB)")
            .put("server_rss_end_kib", rss[2], "server RSS at the end (KiB)");
        if (rss[0] > 0 && rss[1] > 0) {
          report.put("server_kib_per_stream", Math.round((rss[1] - rss[0]) * 100.0 / opened.get()) / 100.0,
              "server KiB per stream");
        }
      }
      if (opened.get() < o.streams()) {
        report.fail((o.streams() - opened.get()) + " streams could not be opened");
      }
      if (stillOpen < opened.get()) {
        report.fail((opened.get() - stillOpen) + " streams closed before the end");
      }
      return report;
    });
  }

  /** The servers' summed RSS, or -1 when not given or not readable. */
  private static long rss(BenchOptions o) {
    long sum = 0;
    for (long pid : o.serverPids()) {
      long kib = ProcessMemory.rssKib(pid);
      if (kib < 0) {
        return -1;
      }
      sum += kib;
    }
    return o.serverPids().isEmpty() ? -1 : sum;
  }
}
