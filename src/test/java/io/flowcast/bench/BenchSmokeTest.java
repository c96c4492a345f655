package io.flowcast.bench;

import io.flowcast.testsupport.StartedServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** Short runs of each scenario against an in-process server: they work end to end, no timing asserted. */
class BenchSmokeTest {
  static final int BRIDGE = io.flowcast.testsupport.TestServer.freePort();
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("bridge.tcp.port", BRIDGE));
  private static String url;

  @BeforeAll
  static void serverUrl() {
    url = "http://127.0.0.1:" + server.port();
  }

  /** Runs the command; the exit status and the JSON report. */
  record Run(int status, JsonObject report, String err) {
  }

  static Run bench(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    all[all.length - 1] = "--json";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BenchCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    return new Run(status, text.isBlank() ? null : new JsonObject(text), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void writeMixAcknowledgesOpsWithoutErrors() {
    Run run = bench("write", "--url", url, "--connections", "8", "--workflows", "4", "--duration", "2",
        "--warmup", "0", "--mix", "patch=50,event=50", "--server-pid", String.valueOf(ProcessHandle.current().pid()));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.report().getLong("ops")).isPositive();
    assertThat(run.report().getDouble("patch_per_s")).isPositive();
    assertThat(run.report().getDouble("event_per_s")).isPositive();
    assertThat(run.report().getJsonObject("errors")).isEmpty();
    assertThat(run.report().getJsonObject("latency").getLong("count")).isPositive();
    assertThat(run.report().getJsonObject("cpu").getDouble("machine_busy_pct")).isPositive();
    String pid = String.valueOf(ProcessHandle.current().pid());
    double share = run.report().getJsonObject("cpu").getJsonObject("per_server_pct").getDouble(pid);
    double perOp = run.report().getJsonObject("server_cpu_us_per_op").getDouble(pid);
    assertThat(perOp).as("CPU share / ops per second").isCloseTo(share / 100 * 1e6 / run.report()
        .getDouble("ops_per_s"), offset(0.02 + perOp / 1000));
  }

  @Test
  void fanoutAtAFixedRateDeliversEverySeqOnceInOrder() {
    String pid = String.valueOf(ProcessHandle.current().pid());
    Run run = bench("fanout", "--url", url, "--subscribers", "20", "--workflows", "3", "--rate", "200",
        "--publishers", "2", "--duration", "2", "--warmup", "0", "--server-pid", pid);
    assertThat(run.status()).as(run.err()).isZero();
    JsonObject report = run.report();
    assertThat(report.getLong("published")).isPositive();
    assertThat(report.getLong("deliveries")).isPositive();
    assertThat(report.getJsonObject("check").getBoolean("ok")).isTrue();
    assertThat(report.getJsonObject("check").getLong("received")).isPositive();
    assertThat(report.getJsonObject("publish_errors")).isEmpty();
    assertThat(report.getJsonObject("subscribe_errors")).isEmpty();
    assertThat(report.getJsonArray("timeline")).isNotEmpty();
    assertThat(report.getJsonObject("server_cpu_us_per_delivery").getDouble(pid))
        .as("this process's CPU per delivery").isPositive();
  }

  @Test
  void fanoutThroughTheEventBusBridgeDeliversEverySeqOnceInOrder() {
    String pid = String.valueOf(ProcessHandle.current().pid());
    Run run = bench("fanout", "--url", url, "--bridge-port", String.valueOf(BRIDGE), "--subscribers", "20",
        "--workflows", "3", "--rate", "200", "--publishers", "2", "--duration", "2", "--warmup", "0",
        "--server-pid", pid);
    assertThat(run.status()).as(run.err()).isZero();
    JsonObject report = run.report();
    assertThat(report.getJsonObject("options").getString("subscribe_via")).isEqualTo("bridge:" + BRIDGE);
    assertThat(report.getLong("deliveries")).isPositive();
    assertThat(report.getJsonObject("check").getBoolean("ok")).isTrue();
    assertThat(report.getJsonObject("check").getLong("received")).isPositive();
    assertThat(report.getJsonObject("subscribe_errors")).isEmpty();
    assertThat(report.getJsonObject("server_cpu_us_per_delivery").getDouble(pid)).isPositive();
  }

  @Test
  void fanoutOnTheTenantFeedSeesEveryPatchedWorkflowsVersionsInOrderUpToTheLast() {
    String pid = String.valueOf(ProcessHandle.current().pid());
    Run run = bench("fanout", "--url", url, "--feed", "--subscribers", "20", "--rate", "200", "--publishers", "2",
        "--duration", "2", "--warmup", "0", "--server-pid", pid);
    assertThat(run.status()).as(run.err()).isZero();
    JsonObject report = run.report();
    assertThat(report.getJsonObject("options").getString("subscribe_via")).isEqualTo("tenant feed");
    JsonObject check = report.getJsonObject("check");
    assertThat(check.getBoolean("ok")).as(check.encode()).isTrue();
    assertThat(check.getBoolean("reached_end")).isTrue();
    assertThat(check.getLong("received")).isPositive();
    assertThat(check.getLong("duplicates")).isZero();
    assertThat(check.getLong("unexpected_events")).isZero();
    assertThat(report.getJsonObject("publish_errors")).isEmpty();
    assertThat(report.getJsonObject("server_cpu_us_per_delivery").getDouble(pid)).isPositive();
    assertThat(bench("fanout", "--url", url, "--feed", "--workflows", "2").status())
        .as("--feed follows one workflow").isEqualTo(2);
  }

  @Test
  void fanoutAsFastAsPossibleWithPublishersSharingAWorkflow() {
    Run run = bench("fanout", "--url", url, "--subscribers", "10", "--workflows", "1", "--rate", "0",
        "--publishers", "3", "--duration", "2", "--warmup", "0");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.report().getLong("published")).isPositive();
    assertThat(run.report().getJsonObject("check").getBoolean("ok")).isTrue();
    assertThat(run.report().getJsonObject("publish_errors")).isEmpty();
    assertThat(run.report().getDouble("server_events_per_write")).as("read from the server's /metrics")
        .isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void idleStreamsOpenAndStayOpen() {
    Run run = bench("idle", "--url", url, "--streams", "50", "--workflows", "5", "--duration", "2",
        "--server-pid", String.valueOf(ProcessHandle.current().pid()));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.report().getLong("opened")).isEqualTo(50);
    assertThat(run.report().getLong("still_open")).isEqualTo(50);
    assertThat(run.report().getJsonObject("errors")).isEmpty();
    assertThat(run.report().getLong("server_rss_open_kib")).isPositive();
  }

  @Test
  void coldStartStartsAnInstanceAndReportsEverySecondAfterReady() {
    // an instance of its own (in memory here; the same run takes --redis-url and --pg-url), 3 s of load
    Run run = bench("cold-start", "--sessions", "10", "--edits", "5", "--duration", "3", "--drain", "1",
        "--from-second", "1", "--instance-env", "FLOWCAST_STARTUP_WARMUP=200,FLOWCAST_STARTUP_WARMUP_MAX_MS=3000");
    assertThat(run.status()).as(run.err()).isZero();
    JsonObject report = run.report();
    assertThat(report.getLong("start_to_ready_ms")).isPositive();
    assertThat(report.getLong("sessions_ready")).isEqualTo(10);
    assertThat(report.getLong("acked")).isPositive();
    assertThat(report.getJsonObject("errors")).isEmpty();
    assertThat(report.getJsonObject("ack_from_second").getInteger("from")).isEqualTo(1);
    var seconds = report.getJsonArray("seconds");
    assertThat(seconds).hasSize(3);
    for (int s = 0; s < seconds.size(); s++) {
      JsonObject row = seconds.getJsonObject(s);
      assertThat(row.getInteger("s")).isEqualTo(s);
      assertThat(row.fieldNames()).contains("sent", "acked", "failed", "ack", "delivered", "delivery",
          "server_cpu_pct");
    }
    assertThat(seconds.getJsonObject(2).getLong("acked")).as("edits go on every second").isPositive();
    assertThat(seconds.getJsonObject(2).getJsonObject("delivery").getLong("count")).isPositive();
  }

  @Test
  void sessionsOnAnInstanceOfTheirOwnSeeEveryEditOnTheirOwnStream() {
    // the seed workload on an instance the run starts (in memory here; the same run takes --redis-url and
    // --pg-url): every session watches its own workflow and PATCHes it or posts custom events to it
    Run run = bench("sessions", "--sessions", "10", "--rate", "4", "--event-mix", "0.5", "--duration", "2",
        "--warmup", "1", "--drain", "5",
        "--instance-env", "FLOWCAST_STARTUP_WARMUP=200,FLOWCAST_STARTUP_WARMUP_MAX_MS=3000");
    assertThat(run.status()).as(run.err()).isZero();
    JsonObject report = run.report();
    assertSessionsAddUp(report, 10);
    assertThat(report.getJsonObject("cpu_per_edit").getJsonObject("us_per_edit").getDouble("flowcast"))
        .as("the instance's CPU per edit").isPositive();
    assertThat(report.containsKey("pg_check")).as("no PostgreSQL here").isFalse();
  }

  @Test
  void sessionsOnAGivenServerSplitItsCpuPerEdit() {
    String pid = String.valueOf(ProcessHandle.current().pid());
    Run run = bench("sessions", "--url", url, "--sessions", "8", "--rate", "10", "--duration", "2", "--warmup", "0",
        "--server-pid", pid);
    assertThat(run.status()).as(run.err()).isZero();
    JsonObject report = run.report();
    assertSessionsAddUp(report, 8);
    JsonObject cpu = report.getJsonObject("cpu_per_edit");
    assertThat(cpu.getJsonObject("pct").getDouble("flowcast")).isEqualTo(report.getJsonObject("cpu")
        .getJsonObject("per_server_pct").getDouble(pid));
    assertThat(cpu.getJsonObject("us_per_edit").getDouble("flowcast")).as("CPU share / edits per second")
        .isCloseTo(cpu.getJsonObject("pct").getDouble("flowcast") / 100 * 1e6 / report.getDouble("acked_per_s"),
            offset(0.1 + cpu.getJsonObject("us_per_edit").getDouble("flowcast") / 1000));
    assertThat(bench("sessions", "--url", url, "--jar", "x.jar").status()).as("instance options need no --url")
        .isEqualTo(2);
  }

  /**
   * Every session opened, every edit sent in the window was acknowledged (PATCHes and custom events),
   * reached its own stream as the version or seq it was answered with, and was timed. The only failures
   * allowed are edits the client did not send because their session already had 4 waiting (a loaded
   * machine may stall the instance that long; no timing is asserted here).
   */
  static void assertSessionsAddUp(JsonObject report, int sessions) {
    assertThat(report.getLong("sessions_ready")).isEqualTo(sessions);
    JsonObject errors = report.getJsonObject("errors");
    assertThat(errors.fieldNames()).as(errors.encode()).allMatch(kind -> kind.startsWith("not sent: "));
    assertThat(report.getLong("failed")).as("edits not sent").isLessThanOrEqualTo(
        errors.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum());
    assertThat(report.getLong("acked")).isEqualTo(report.getLong("sent")).isPositive();
    assertThat(report.getDouble("patch_per_s")).isPositive();
    assertThat(report.getDouble("event_per_s")).isPositive();
    JsonObject check = report.getJsonObject("stream_check");
    assertThat(check.getBoolean("ok")).as(check.encode()).isTrue();
    assertThat(check.getLong("seen")).isEqualTo(check.getLong("acknowledged"))
        .isGreaterThanOrEqualTo(report.getLong("acked"));
    assertThat(check.getLong("missing") + check.getLong("mismatched") + check.getLong("repeated")
        + check.getLong("made_twice") + check.getLong("resets")).isZero();
    assertThat(report.getJsonObject("ack").getLong("count")).isEqualTo(report.getLong("acked"));
    assertThat(report.getJsonObject("edit_to_stream").getLong("count")).isEqualTo(report.getLong("acked"));
    assertThat(report.getJsonObject("edit_to_stream").getDouble("p50_ms")).isPositive();
    JsonObject goals = report.getJsonObject("goals");
    assertThat(goals.getJsonObject("rate").getInteger("target")).isEqualTo(report.getInteger("target_edits_per_s"));
    assertThat(goals.fieldNames()).contains("held", "ack_p99_ms", "edit_to_stream_p99_ms");
  }

  @Test
  void genericModeMeasuresAnotherSseServer() {
    Vertx vertx = Vertx.vertx();
    try (TinySseHub hub = new TinySseHub(vertx, 0)) {
      String base = "http://127.0.0.1:" + hub.port();
      Run run = bench("fanout", "--sse-url-template", base + "/sub/{workflow}", "--publish-url-template",
          base + "/pub/{workflow}", "--subscribers", "10", "--workflows", "2", "--rate", "100", "--duration", "2",
          "--warmup", "0");
      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.report().getString("mode")).isEqualTo("generic");
      assertThat(run.report().getJsonObject("check").getBoolean("ok")).isTrue();
      assertThat(run.report().getLong("deliveries")).isPositive();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aServerThatLosesEventsFailsTheCheck() {
    Vertx vertx = Vertx.vertx();
    try (TinySseHub hub = new TinySseHub(vertx, 10)) {
      String base = "http://127.0.0.1:" + hub.port();
      Run run = bench("fanout", "--sse-url-template", base + "/sub/{workflow}", "--publish-url-template",
          base + "/pub/{workflow}", "--subscribers", "4", "--workflows", "1", "--rate", "100", "--duration", "1",
          "--warmup", "0", "--drain", "1");
      assertThat(run.status()).isEqualTo(1);
      assertThat(run.report().getBoolean("passed")).isFalse();
      assertThat(run.report().getJsonObject("check").getLong("gaps")).isPositive();
    } finally {
      vertx.close().await();
    }
  }
}
