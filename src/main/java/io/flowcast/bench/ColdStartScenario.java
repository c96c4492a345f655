package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench cold-start}: starts a Flowcast instance of its own (a process on a free port, its own
 * Redis key prefix and PostgreSQL database), waits for {@code /ready} to answer 200, and at once drives
 * the seed workload: N sessions, each creating its own workflow, watching it over SSE and sending M edits
 * per second. Reports, per second after {@code /ready}, acknowledgement and delivery latency and the
 * instance's CPU, and the same from {@code --from-second} on. Then stops the instance (SIGTERM) and
 * removes its keys and database.
 */
final class ColdStartScenario implements Scenario {
  @Override
  public Future<Report> run(BenchContext ctx) {
    BenchOptions o = ctx.options();
    String[] tokens = new String[o.coldStart().sessions()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = ctx.tokens().forSubject("bench-cold-s" + i);
    }
    String pad = BenchPayload.padding(o.payloadBytes());
    return OwnInstance.run(ctx, "cold", started -> started.instance().awaitReady(ctx.lane(0))
        .compose(ready -> load(ctx, started.instance(), ready, tokens, pad)));
  }

  private Future<Report> load(BenchContext ctx, BenchInstance instance, long ready, String[] tokens, String pad) {
    BenchOptions o = ctx.options();
    BenchOptions.ColdStart c = o.coldStart();
    int seconds = o.durationSeconds() + o.drainSeconds() + 1;
    SecondStats stats = new SecondStats(ready, seconds);
    ErrorCounts errors = new ErrorCounts();
    long end = ready + o.durationSeconds() * 1_000_000_000L;
    long cpuAtReady = CpuSampler.process(instance.pid());
    long self = ProcessHandle.current().pid();
    // [instance, bench, machine total, machine idle] in ticks of 1/100 s, read once a second
    long[] last = {cpuAtReady, CpuSampler.process(self), CpuSampler.machine()[0], CpuSampler.machine()[1]};
    int cores = Runtime.getRuntime().availableProcessors();
    long sampler = ctx.vertx().setPeriodic(1000, id -> {
      long[] machine = CpuSampler.machine();
      long[] now = {CpuSampler.process(instance.pid()), CpuSampler.process(self), machine[0], machine[1]};
      double total = (double) (now[2] - last[2]) / cores;
      double busy = total <= 0 ? 0 : ((now[2] - last[2]) - (now[3] - last[3])) / total * 100;
      stats.cpu(stats.second(System.nanoTime()) - 1, now[0] - last[0], now[1] - last[1], busy);
      System.arraycopy(now, 0, last, 0, now.length);
    });
    List<EditSession> sessions = new ArrayList<>();
    // no bound on edits in flight: a cold instance's backlog is what this scenario shows
    EditSession.Plan plan = new EditSession.Plan(c.edits(), 0, pad, Integer.MAX_VALUE);
    for (int i = 0; i < c.sessions(); i++) {
      sessions.add(new EditSession(ctx.lane(i), i, ctx.workflowId(i), tokens[i], instance.url(), plan, stats, errors,
          null));
    }
    return Future.join(sessions.stream().map(s -> s.run(end, ctx.lifetimeSeconds())).toList())
        .transform(v -> ctx.sleep(o.drainSeconds() * 1000L))
        .compose(v -> Future.join(sessions.stream().map(EditSession::close).toList()))
        .transform(v -> {
          ctx.vertx().cancelTimer(sampler);
          return Future.succeededFuture(report(o, instance, ready, cpuAtReady, stats, errors));
        });
  }

  private static Report report(BenchOptions o, BenchInstance instance, long ready, long cpuAtReady,
      SecondStats stats, ErrorCounts errors) {
    BenchOptions.ColdStart c = o.coldStart();
    int duration = o.durationSeconds();
    int from = Math.min(c.fromSecond(), duration - 1);
    JsonArray rows = stats.rows(duration);
    long sessionsReady = rows.stream().mapToLong(r -> ((JsonObject) r).getLong("sessions_ready")).sum();
    Histogram ackAll = stats.ackBetween(0, duration);
    Histogram ackSettled = stats.ackBetween(from, duration);
    Report report = new Report(o)
        .put("start_to_ready_ms", instance.startToReadyMs(ready), "process start to /ready 200 (ms)")
        .put("server_cpu_to_ready_s", cpuAtReady < 0 ? null : cpuAtReady / 100.0, "instance CPU until ready (s)")
        .put("sessions_ready", sessionsReady, "sessions ready (of " + c.sessions() + ")")
        .put("acked", ackAll.getTotalCount(), "edits acknowledged")
        .put("target_edits_per_s", c.sessions() * c.edits(), "target edits/s")
        .json("ack", SecondStats.figures(ackAll))
        .json("ack_from_second", SecondStats.figures(ackSettled).put("from", from))
        .json("delivery", SecondStats.figures(stats.deliveryBetween(0, duration)))
        .json("delivery_from_second", SecondStats.figures(stats.deliveryBetween(from, duration)).put("from", from))
        .line(summary("acknowledged, all", ackAll))
        .line(summary("acknowledged, from second " + from, ackSettled))
        .line(summary("delivered, all", stats.deliveryBetween(0, duration)))
        .line(summary("delivered, from second " + from, stats.deliveryBetween(from, duration)))
        .errors("errors", errors, "errors")
        .put("server_log", instance.log().toString(), "instance log")
        .json("seconds", rows);
    report.line("   s ready  sent acked fail | ack p50    p99      max     | deliv p50  p99      max     "
        + "| cpu%: flowcast bench machine");
    rows.forEach(r -> report.line(row((JsonObject) r)));
    if (stats.totalAcked() == 0) {
      report.fail("no edit was acknowledged");
    }
    if (sessionsReady < c.sessions()) {
      report.fail((c.sessions() - sessionsReady) + " sessions could not create their workflow or open their stream");
    }
    return report;
  }

  private static String summary(String label, Histogram micros) {
    JsonObject f = SecondStats.figures(micros);
    return String.format(Locale.ROOT, "  %-32s %s", label, micros.getTotalCount() == 0 ? "no samples"
        : String.format(Locale.ROOT, "p50 %s ms  p99 %s ms  max %s ms  (n=%d)", f.getValue("p50_ms"),
            f.getValue("p99_ms"), f.getValue("max_ms"), micros.getTotalCount()));
  }

  private static String row(JsonObject r) {
    JsonObject a = r.getJsonObject("ack");
    JsonObject d = r.getJsonObject("delivery");
    return String.format(Locale.ROOT, "  %2d %5d %5d %5d %4d | %-8s %-8s %-8s | %-8s %-8s %-8s | %4d %4d %4d",
        r.getInteger("s"), r.getLong("sessions_ready"), r.getLong("sent"), r.getLong("acked"), r.getLong("failed"),
        a.getValue("p50_ms", "-"), a.getValue("p99_ms", "-"), a.getValue("max_ms", "-"),
        d.getValue("p50_ms", "-"), d.getValue("p99_ms", "-"), d.getValue("max_ms", "-"), r.getLong("server_cpu_pct"),
        r.getLong("bench_cpu_pct"), r.getLong("machine_cpu_pct"));
  }
}
