package io.flowcast.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of {@code bench sessions}, and the goals of issue 21 it holds the run to: every edit the
 * schedule meant acknowledged (at least 99 % of S x R per second, none failed), acknowledgement p99 at
 * most 50 ms, edit-to-own-stream p99 at most 100 ms, and with PostgreSQL a flush lag p99 of at most 1 s
 * and nothing missing there. A goal missed is reported, not a failure: the exit status is 1 only when
 * something is wrong (an edit lost on its stream or in PostgreSQL, a session that could not open, nothing
 * acknowledged), so a search for the largest load that holds reads {@code goals.held}.
 */
final class SessionsReport {
  static final double ACK_P99_MS = 50;
  static final double STREAM_P99_MS = 100;
  static final double FLUSH_LAG_P99_MS = 1000;
  static final double RATE_HELD = 0.99;

  private final BenchOptions options;
  private final SessionStats stats;
  private final ErrorCounts errors;
  private final StreamCheck check;
  private final Map<String, List<Long>> parts;
  private final SessionsScenario.Figures figures;
  private final JsonObject pg;

  SessionsReport(BenchOptions options, SessionStats stats, ErrorCounts errors, StreamCheck check,
      Map<String, List<Long>> parts, SessionsScenario.Figures figures, JsonObject pg) {
    this.options = options;
    this.stats = stats;
    this.errors = errors;
    this.check = check;
    this.parts = parts;
    this.figures = figures;
    this.pg = pg;
  }

  Report build() {
    BenchOptions.ColdStart c = options.coldStart();
    double seconds = figures.window().seconds();
    long acked = stats.patches() + stats.events();
    double ackedPerSecond = Report.perSecond(acked, seconds);
    int target = c.sessions() * c.edits();
    JsonObject cpu = CpuShares.split(figures.cpu(), parts, ackedPerSecond);
    Report report = new Report(options)
        .put("sessions_ready", stats.ready(), "sessions ready (of " + c.sessions() + ")")
        .put("target_edits_per_s", target, "target edits/s (S x R)")
        .put("measured_s", seconds, "measured seconds")
        .put("sent", stats.sent(), "edits sent")
        .put("acked", acked, "edits acknowledged")
        .put("acked_per_s", ackedPerSecond, "acknowledged edits/s")
        .put("patch_per_s", Report.perSecond(stats.patches(), seconds), "  of which PATCH/s")
        .put("event_per_s", Report.perSecond(stats.events(), seconds), "  of which custom events/s")
        .put("failed", stats.failed(), "edits failed")
        .errors("errors", errors, "errors by kind (whole run)")
        .latency("ack", stats.ack(), "ack (from scheduled send)")
        .latency("edit_to_stream", stats.stream(), "edit -> own stream")
        .latency("send_delay", stats.sendDelay(), "bench sent late by")
        .put("stream_check", check.toJson(), "own streams got every ack'd edit");
    if (figures.lag() != null) {
      report.put("flush_lag", figures.lag().toJson(), "flush lag (server, every 250 ms)");
    }
    if (pg != null) {
      report.put("pg_check", pg, "PostgreSQL holds every ack'd edit");
    }
    report.cpu(figures.cpu()).json("cpu_per_edit", cpu).line(String.format(Locale.ROOT, "  %-32s %s",
        "CPU per edit", CpuShares.line(cpu)));
    JsonObject goals = goals(target, ackedPerSecond);
    report.json("goals", goals).line(String.format(Locale.ROOT, "  %-32s %s", "goals (issue 21)",
        goals.getBoolean("held") ? "held" : "NOT held: " + String.join(", ", missed(goals))));
    failures(report, c.sessions());
    return report;
  }

  private JsonObject goals(int target, double ackedPerSecond) {
    JsonObject goals = new JsonObject()
        .put("rate", goal(ackedPerSecond, target * RATE_HELD, false).put("target", target)
            .put("failed", stats.failed()).put("held", ackedPerSecond >= target * RATE_HELD && stats.failed() == 0))
        .put("ack_p99_ms", goal(p99(stats.ack()), ACK_P99_MS, true))
        .put("edit_to_stream_p99_ms", goal(p99(stats.stream()), STREAM_P99_MS, true));
    if (figures.lag() != null) {
      JsonObject lag = figures.lag().toJson();
      goals.put("flush_lag_p99_ms", goal(lag.containsKey("p99_ms") ? lag.getLong("p99_ms").doubleValue() : null,
          FLUSH_LAG_P99_MS, true));
    }
    if (pg != null) {
      goals.put("postgresql_complete", new JsonObject().put("held", pg.getBoolean("ok", false)));
    }
    boolean held = goals.stream().allMatch(e -> ((JsonObject) e.getValue()).getBoolean("held"));
    return goals.put("held", held && check.ok());
  }

  /** A goal: the figure, its limit (an upper one, or a lower one) and whether it held. */
  private static JsonObject goal(Double value, double limit, boolean upper) {
    boolean held = value != null && (upper ? value <= limit : value >= limit);
    return new JsonObject().put("value", value).put("limit", limit).put("held", held);
  }

  private static Double p99(Histogram micros) {
    return micros.getTotalCount() == 0 ? null : micros.getValueAtPercentile(99) / 1000.0;
  }

  private static List<String> missed(JsonObject goals) {
    List<String> missed = new ArrayList<>();
    goals.forEach(e -> {
      if (e.getValue() instanceof JsonObject goal && !goal.getBoolean("held")) {
        missed.add(e.getKey() + " " + goal.getValue("value", "-") + (goal.containsKey("limit") ? " (limit "
            + goal.getValue("limit") + ")" : ""));
      }
    });
    return missed;
  }

  private void failures(Report report, int sessions) {
    if (stats.ready() < sessions) {
      report.fail((sessions - stats.ready()) + " sessions could not create their workflow or open their stream");
    }
    if (check.failure() != null) {
      report.fail(check.failure());
    }
    if (pg != null && pg.containsKey("error")) {
      report.fail(pg.getString("error"));
    } else if (pg != null && !pg.getBoolean("ok")) {
      report.fail("PostgreSQL lacks " + pg.getLong("missing") + " of " + pg.getLong("acknowledged")
          + " acknowledged edits (" + pg.getLong("unidentified") + " answers did not say their version or seq) after "
          + "waiting " + options.drainSeconds() + " s (--drain)");
    }
  }
}
