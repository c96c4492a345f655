package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.ConcurrentHistogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code bench write}: C concurrent clients, each one connection doing one request at a time (closed
 * loop), PATCH a merge patch or publish an event on a random one of W workflows, for the warm-up and
 * then T seconds. Reports the operations the server acknowledged in the measured window; with
 * {@code --pg-url}, also the server's flush lag and whether PostgreSQL holds the event of every
 * operation acknowledged in the whole run.
 */
final class WriteScenario implements Scenario {
  static final int STATE_KEYS = 16;
  private final ConcurrentHistogram latency = new ConcurrentHistogram(3);
  private final LongAdder patches = new LongAdder();
  private final LongAdder events = new LongAdder();
  private final ErrorCounts errors = new ErrorCounts();
  /** With {@code --pg-url}: every acknowledged operation, checked against PostgreSQL after the run. */
  private DurableCheck durable;

  @Override
  public Future<Report> run(BenchContext ctx) {
    BenchOptions o = ctx.options();
    String[] tokens = new String[o.connections()];
    for (int k = 0; k < tokens.length; k++) {
      tokens[k] = ctx.tokens().forSubject("bench-c" + k);
    }
    durable = o.pgUrl() == null ? null : new DurableCheck(o.workflows());
    List<String> ids = new ArrayList<>();
    for (int w = 0; w < o.workflows(); w++) {
      ids.add(ctx.workflowId(w));
    }
    Endpoint[] patchTo = new Endpoint[o.workflows()];
    Endpoint[] eventTo = new Endpoint[o.workflows()];
    for (int w = 0; w < o.workflows(); w++) {
      patchTo[w] = Targets.patch(o.url(), ctx.workflowId(w));
      eventTo[w] = Targets.events(o.url(), ctx.workflowId(w));
    }
    String pad = o.payloadBytes() == 0 ? "" : ",\"pad\":\"" + BenchPayload.padding(o.payloadBytes()) + "\"";
    return WorkflowSetup.create(ctx, o.url(), o.workflows()).compose(v -> {
      Window window = Window.startingNow(o.warmupSeconds(), o.durationSeconds());
      Future<JsonObject> cpu = ctx.cpuDuring(window);
      Future<FlushLag> lag = durable == null ? Future.succeededFuture() : ctx.flushLagDuring(window, o.url());
      return Concurrently.run(tokens.length, tokens.length, k -> ctx.lane(k).call(() ->
          new Client(ctx.lane(k), k, tokens[k], window, patchTo, eventTo, o.mix(), pad).run()))
          .compose(done -> cpu).map(figures -> report(o, window).cpu(figures).cpuPer("op", "ops_per_s"))
          .compose(report -> durable == null ? Future.succeededFuture(report) : lag.compose(flush ->
              durable.verify(ctx.vertx(), o.pgUrl(), o.tenant(), ids, o.drainSeconds())
                  .map(check -> durably(report, flush, check, o.drainSeconds()))));
    });
  }

  /** The flush lag while measuring and whether PostgreSQL holds every acknowledged operation's event. */
  private static Report durably(Report report, FlushLag flush, JsonObject check, int drainSeconds) {
    report.put("flush_lag", flush.toJson(), "flush lag (server, every 250 ms)")
        .put("pg_check", check, "PostgreSQL holds every ack'd event");
    if (check.containsKey("error")) {
      report.fail(check.getString("error"));
    } else if (check.getLong("missing") > 0) {
      report.fail("PostgreSQL lacks " + check.getLong("missing") + " of " + check.getLong("acknowledged")
          + " acknowledged events after waiting " + drainSeconds + " s (--drain)");
    }
    if (check.getLong("unidentified", 0L) > 0) {
      report.fail(check.getLong("unidentified") + " acknowledged answers did not say their version or seq");
    }
    return report;
  }

  private Report report(BenchOptions o, Window window) {
    long acked = patches.sum() + events.sum();
    Report report = new Report(o)
        .put("workflows", o.workflows(), "workflows")
        .put("connections", o.connections(), "concurrent clients")
        .put("measured_s", window.seconds(), "measured seconds")
        .put("ops", acked, "acknowledged ops")
        .put("ops_per_s", Report.perSecond(acked, window.seconds()), "acknowledged ops/s")
        .put("patch_per_s", Report.perSecond(patches.sum(), window.seconds()), "  of which PATCH/s")
        .put("event_per_s", Report.perSecond(events.sum(), window.seconds()), "  of which events/s")
        .latency("latency", latency, "latency")
        .errors("errors", errors, "errors (whole run)");
    if (acked == 0) {
      report.fail("no operation was acknowledged");
    }
    return report;
  }

  /** One connection's closed loop, on its lane. */
  private final class Client {
    private final Lane lane;
    private final int index;
    private final String token;
    private final Window window;
    private final Endpoint[] patchTo;
    private final Endpoint[] eventTo;
    private final BenchOptions.Mix mix;
    private final String pad;
    private final Promise<Void> done = Promise.promise();
    private long n;

    Client(Lane lane, int index, String token, Window window, Endpoint[] patchTo, Endpoint[] eventTo,
        BenchOptions.Mix mix, String pad) {
      this.lane = lane;
      this.index = index;
      this.token = token;
      this.window = window;
      this.patchTo = patchTo;
      this.eventTo = eventTo;
      this.mix = mix;
      this.pad = pad;
    }

    Future<Void> run() {
      next();
      return done.future();
    }

    private void next() {
      if (window.over(System.nanoTime())) {
        done.tryComplete();
        return;
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int w = random.nextInt(patchTo.length);
      boolean patch = random.nextInt(mix.patch() + mix.event()) < mix.patch();
      long started = System.nanoTime();
      n++;
      // a value unique to this client and request, so every PATCH is a real change (a new version and an
      // event); keys cycle through k0..k15, so a workflow's state stays small whatever C is
      var sent = patch
          ? lane.send(patchTo[w].request(HttpMethod.PATCH), token, "application/merge-patch+json",
              "{\"state\":{\"k" + (n % STATE_KEYS) + "\":\"c" + index + "-" + n + "\"" + pad + "}}")
          : lane.send(eventTo[w].request(HttpMethod.POST), token, "application/json",
              "{\"type\":\"bench.write\",\"data\":{\"n\":" + n + pad + "}}");
      sent.onComplete(ar -> {
        long ended = System.nanoTime();
        boolean ok = ar.succeeded() && ar.result().success();
        if (ok && durable != null) {
          if (patch) {
            durable.patched(w, ar.result().body());
          } else {
            durable.published(w, ar.result().body());
          }
        }
        if (ok && window.measures(ended)) {
          latency.recordValue(Window.micros(ended - started));
          (patch ? patches : events).increment();
        } else if (!ok) {
          if (ar.succeeded()) {
            errors.status(ar.result().status());
          } else {
            errors.failure(ar.cause());
          }
        }
        if (ok) {
          next();
        } else {
          lane.timer(10, this::next);
        }
      });
    }
  }
}
