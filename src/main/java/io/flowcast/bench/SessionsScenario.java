package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code bench sessions}: the seed workload held steady. S sessions each create a workflow of their own,
 * watch it over SSE and send it R edits per second (merge patches and, for {@code --event-mix} of them,
 * custom events), open loop, for the warm-up and then the measured seconds. On an instance the bench
 * starts itself (as {@code cold-start} does, after {@code /ready}) or on {@code --url}. Reports
 * acknowledged edits/s, acknowledgement and edit-to-own-stream latency from each edit's scheduled time,
 * the flush lag, whether every acknowledged edit reached its own stream and PostgreSQL, the CPU per edit
 * by part, and whether the goals held ({@link SessionsReport}).
 */
final class SessionsScenario implements Scenario {
  /** Sessions opening at once: a thousand at once would only fill the server's accept queue. */
  private static final int OPENING = 64;
  private static final long DRAIN_POLL_MS = 100;
  /**
   * Edits of a session waiting for their answer at once (a fifth more would be skipped and counted): at
   * the goal's 10 edits/s, 4 waiting means the session is 400 ms behind, far past the goal; the lanes'
   * connection pools hold this many per session, so no request queues for a connection.
   */
  static final int MAX_IN_FLIGHT = 4;

  @Override
  public Future<Report> run(BenchContext ctx) {
    BenchOptions o = ctx.options();
    BenchOptions.ColdStart c = o.coldStart();
    if (c.external()) {
      return measure(ctx, o.url(), o.serverPids(), null, o.pgUrl());
    }
    return OwnInstance.run(ctx, "sessions", started -> started.instance().awaitReady(ctx.lane(0))
        .compose(ready -> measure(ctx, started.instance().url(), List.of(started.instance().pid()), c.redisUrl(),
            started.pgUrl())));
  }

  private Future<Report> measure(BenchContext ctx, String url, List<Long> flowcast, String redisUrl, String pgUrl) {
    BenchOptions o = ctx.options();
    BenchOptions.ColdStart c = o.coldStart();
    SessionStats stats = new SessionStats();
    ErrorCounts errors = new ErrorCounts();
    DurableCheck durable = pgUrl == null ? null : new DurableCheck(c.sessions());
    EditSession.Plan plan = new EditSession.Plan(c.edits(), c.eventShare(), BenchPayload.padding(o.payloadBytes()),
        MAX_IN_FLIGHT);
    List<EditSession> sessions = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < c.sessions(); i++) {
      ids.add(ctx.workflowId(i));
      sessions.add(new EditSession(ctx.lane(i), i, ids.get(i), ctx.tokens().forSubject("bench-session-" + i), url,
          plan, stats, errors, durable));
    }
    List<EditSession> open = java.util.Collections.synchronizedList(new ArrayList<>());
    return Concurrently.run(sessions.size(), OPENING, i -> sessions.get(i).open(ctx.lifetimeSeconds())
            .onSuccess(v -> open.add(sessions.get(i))))
        .compose(v -> CpuShares.find(ctx.vertx(), flowcast, redisUrl, pgUrl))
        .compose(parts -> load(ctx, url, pgUrl, parts, stats, List.copyOf(open))
            .compose(figures -> {
              StreamCheck check = new StreamCheck();
              return Future.join(open.stream().map(s -> s.check(check)).toList())
                  .transform(x -> Future.join(sessions.stream().map(EditSession::close).toList()))
                  .transform(x -> durable == null ? Future.succeededFuture((JsonObject) null)
                      : durable.verify(ctx.vertx(), pgUrl, o.tenant(), ids, o.drainSeconds()))
                  .map(pg -> new SessionsReport(o, stats, errors, check, parts, figures, pg).build());
            }));
  }

  /** What the window measured beside the sessions' own figures: the CPU, and the flush lag (or null). */
  record Figures(Window window, JsonObject cpu, FlushLag lag) {
  }

  /** Edits on every open session through the window, then waits (up to the drain) for their frames. */
  private Future<Figures> load(BenchContext ctx, String url, String pgUrl, Map<String, List<Long>> parts,
      SessionStats stats, List<EditSession> open) {
    BenchOptions o = ctx.options();
    long period = 1_000_000_000L / o.coldStart().edits();
    Window window = Window.startingNow(o.warmupSeconds(), o.durationSeconds());
    stats.start(window);
    Future<JsonObject> cpu = ctx.cpuDuring(window, CpuShares.pids(parts));
    Future<FlushLag> lag = pgUrl == null ? Future.succeededFuture() : ctx.flushLagDuring(window, url);
    // sessions spread their edits over the period instead of all sending on the same tick
    return Future.join(open.stream().map(s -> s.edit(window.start() + ThreadLocalRandom.current().nextLong(period),
            window.end())).toList())
        .transform(v -> drained(ctx, open, System.nanoTime() + o.drainSeconds() * 1_000_000_000L))
        .transform(v -> cpu.compose(figures -> lag.map(flush -> new Figures(window, figures, flush))));
  }

  /** Completes once every acknowledged edit has reached its stream, or at {@code deadline}. */
  private static Future<Void> drained(BenchContext ctx, List<EditSession> open, long deadline) {
    return Future.all(open.stream().map(EditSession::allStreamed).toList()).compose(all -> {
      boolean done = all.<Boolean>list().stream().allMatch(Boolean::booleanValue);
      return done || System.nanoTime() >= deadline ? Future.<Void>succeededFuture()
          : ctx.sleep(DRAIN_POLL_MS).compose(v -> drained(ctx, open, deadline));
    });
  }
}
