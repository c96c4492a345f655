package io.flowcast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of a run, built once and printed either as a human summary or as JSON ({@code --json}).
 * Latencies are recorded in microseconds and reported in milliseconds. A run fails (non-zero exit) when a
 * scenario records a failure, e.g. the fan-out correctness check.
 */
public final class Report {
  private final JsonObject json = new JsonObject();
  private final List<String> lines = new ArrayList<>();
  private final JsonArray failures = new JsonArray();

  Report(BenchOptions options) {
    json.put("scenario", options.scenario()).put("options", options.toJson())
        .put("client_cpus", Runtime.getRuntime().availableProcessors());
    lines.add("flowcast bench " + options.scenario() + "  " + options.toJson().encode());
  }

  /** A figure: a JSON field and a line of the summary. */
  Report put(String key, Object value, String label) {
    json.put(key, value);
    lines.add(String.format(Locale.ROOT, "  %-32s %s", label, value instanceof Double d ? format(d) : value));
    return this;
  }

  /** A field of the JSON report only (too long for the summary). */
  Report json(String key, Object value) {
    json.put(key, value);
    return this;
  }

  /** A line of the summary only (a table row). */
  Report line(String text) {
    lines.add(text);
    return this;
  }

  Report latency(String key, Histogram micros, String label) {
    long count = micros.getTotalCount();
    JsonObject figures = new JsonObject().put("count", count);
    if (count > 0) {
      figures.put("p50_ms", ms(micros.getValueAtPercentile(50))).put("p99_ms", ms(micros.getValueAtPercentile(99)))
          .put("p999_ms", ms(micros.getValueAtPercentile(99.9))).put("max_ms", ms(micros.getMaxValue()))
          .put("mean_ms", Math.round(micros.getMean()) / 1000.0);
    }
    json.put(key, figures);
    lines.add(String.format(Locale.ROOT, "  %-32s %s", label, count == 0 ? "no samples" : String.format(Locale.ROOT,
        "p50 %s ms  p99 %s ms  p99.9 %s ms  max %s ms  (n=%d)", figures.getValue("p50_ms"),
        figures.getValue("p99_ms"), figures.getValue("p999_ms"), figures.getValue("max_ms"), count)));
    return this;
  }

  Report errors(String key, ErrorCounts errors, String label) {
    json.put(key, errors.toJson());
    lines.add(String.format(Locale.ROOT, "  %-32s %s", label, errors.total() == 0 ? "none"
        : errors.total() + " " + errors.toJson().encode()));
    return this;
  }

  /** Events per SSE write on a Flowcast server while measuring (see {@link ServerWrites}); none if unknown. */
  Report eventsPerWrite(Double perWrite) {
    return perWrite == null ? this
        : put("server_events_per_write", Math.round(perWrite * 100) / 100.0, "events per SSE write (server)");
  }

  /** Where the CPU went while measuring (see {@link CpuSampler}). */
  Report cpu(JsonObject cpu) {
    json.put("cpu", cpu);
    if (!cpu.isEmpty()) {
      lines.add(String.format(Locale.ROOT, "  %-32s machine %s%% of %d%%, bench client %s%%%s",
          "CPU busy (100% = one core)",
          cpu.getValue("machine_busy_pct"), cpu.getInteger("cores") * 100, cpu.getValue("bench_client_pct"),
          cpu.containsKey("servers_pct") ? ", server(s) " + cpu.getValue("servers_pct") + "% "
              + cpu.getJsonObject("per_server_pct").encode() + ", other processes "
              + cpu.getValue("other_processes_pct") + "%" : "")
          + (cpu.getDouble("proc_stat_coverage_pct") < 97 ? "; /proc/stat covered only "
              + cpu.getValue("proc_stat_coverage_pct") + "% of the time: the host took CPU away" : ""));
    }
    return this;
  }

  /**
   * Each server's CPU time per unit of work ({@code what}: an acknowledged op, a delivery) while
   * measuring, from its CPU share and the rate of that work (the report's field {@code rateKey});
   * nothing when no server pid was given.
   */
  Report cpuPer(String what, String rateKey) {
    JsonObject cpu = json.getJsonObject("cpu");
    double perSecond = json.getDouble(rateKey, 0.0);
    if (cpu == null || !cpu.containsKey("per_server_pct") || perSecond <= 0) {
      return this;
    }
    JsonObject micros = new JsonObject();
    cpu.getJsonObject("per_server_pct").forEach(e -> micros.put(e.getKey(),
        Math.round(((Number) e.getValue()).doubleValue() / 100 * 1e6 / perSecond * 100) / 100.0));
    return put("server_cpu_us_per_" + what, micros, "server CPU per " + what + " (us)");
  }

  Report fail(String reason) {
    failures.add(reason);
    return this;
  }

  public boolean passed() {
    return failures.isEmpty();
  }

  public JsonObject json() {
    return json.copy().put("passed", passed()).put("failures", failures.copy());
  }

  public String text() {
    List<String> all = new ArrayList<>(lines);
    all.add(passed() ? "  result: OK" : "  result: FAILED: " + String.join("; ", failures.stream()
        .map(String::valueOf).toList()));
    return String.join(System.lineSeparator(), all);
  }

  static double perSecond(long count, double seconds) {
    return seconds <= 0 ? 0 : Math.round(count / seconds * 10) / 10.0;
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  private static String format(double value) {
    return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }
}
