package io.flowcast.bench;

import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.flowcast.bench.BenchSmokeTest.bench;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench write --pg-url}: the flush lag read from the server while measuring, and the check that
 * PostgreSQL holds the event of every acknowledged operation, which fails when the flusher does not
 * deliver them.
 */
class BenchDurableCheckTest {
  /** A database no other test class uses. */
  private static final String KEY_PREFIX = TestServer.keyPrefix(BenchDurableCheckTest.class);
  @RegisterExtension
  static final Databases db = new Databases(KEY_PREFIX);

  @Test
  void everyAcknowledgedPatchAndEventIsFoundInPostgres() {
    String workflows = String.valueOf(DurableCheck.WORKFLOWS_PER_QUERY + 100);
    try (TestServer server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX))) {
      BenchSmokeTest.Run run = bench("write", "--url", "http://127.0.0.1:" + server.port(), "--connections", "8",
          "--workflows", workflows, "--duration", "2", "--warmup", "0", "--mix", "patch=50,event=50",
          "--pg-url", TestServer.pgUrl(), "--drain", "20");
      assertThat(run.status()).as(run.err()).isZero();
      JsonObject check = run.report().getJsonObject("pg_check");
      assertThat(check.getBoolean("ok")).as(check.encode()).isTrue();
      assertThat(check.getLong("acknowledged")).isGreaterThanOrEqualTo(run.report().getLong("ops")).isPositive();
      assertThat(check.getLong("found")).isEqualTo(check.getLong("acknowledged"));
      JsonObject lag = run.report().getJsonObject("flush_lag");
      assertThat(lag.getLong("samples")).as(lag.encode()).isPositive();
      assertThat(lag.getInteger("unreadable")).isZero();
      assertThat(lag.getLong("max_ms")).isGreaterThanOrEqualTo(lag.getLong("p50_ms"));
    }
  }

  @Test
  void sessionsOnRedisWithPostgresFindEveryAcknowledgedEditInPostgres() {
    try (TestServer server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX))) {
      BenchSmokeTest.Run run = bench("sessions", "--url", "http://127.0.0.1:" + server.port(), "--sessions", "12",
          "--rate", "5", "--event-mix", "0.3", "--duration", "2", "--warmup", "0", "--pg-url", TestServer.pgUrl(),
          "--drain", "20");
      assertThat(run.status()).as(run.err()).isZero();
      JsonObject report = run.report();
      BenchSmokeTest.assertSessionsAddUp(report, 12);
      JsonObject check = report.getJsonObject("pg_check");
      assertThat(check.getBoolean("ok")).as(check.encode()).isTrue();
      assertThat(check.getLong("acknowledged")).as("every edit of the run, the measured ones among them")
          .isEqualTo(report.getJsonObject("stream_check").getLong("acknowledged"));
      assertThat(check.getLong("found")).isEqualTo(check.getLong("acknowledged"));
      assertThat(check.getLong("unidentified")).isZero();
      assertThat(report.getJsonObject("flush_lag").getLong("samples")).isPositive();
      assertThat(report.getJsonObject("goals").getJsonObject("postgresql_complete").getBoolean("held")).isTrue();
      assertThat(report.getJsonObject("goals").containsKey("flush_lag_p99_ms")).isTrue();
      assertThat(report.getJsonObject("cpu_per_edit").getInteger("postgresql_backends"))
          .as("the flusher's connections to the test database").isPositive();
    }
  }

  @Test
  void sessionsWhoseEditsTheFlusherHoldsBackFailThePostgresCheck() {
    JsonObject heldBack = TestServer.onRedisWithPg(KEY_PREFIX).put("flush.interval_ms", 600_000)
        .put("flush.threshold", 100_000_000);
    try (TestServer server = TestServer.start(heldBack)) {
      BenchSmokeTest.Run run = bench("sessions", "--url", "http://127.0.0.1:" + server.port(), "--sessions", "4",
          "--rate", "5", "--duration", "1", "--warmup", "0", "--pg-url", TestServer.pgUrl(), "--drain", "1");
      assertThat(run.status()).as("exit status of a failed check").isEqualTo(1);
      JsonObject check = run.report().getJsonObject("pg_check");
      assertThat(check.getLong("missing")).isEqualTo(check.getLong("acknowledged")).isPositive();
      assertThat(run.report().getJsonObject("goals").getBoolean("held")).isFalse();
      assertThat(run.report().getJsonArray("failures").encode()).contains("PostgreSQL lacks");
    }
  }

  @Test
  void aPostgresWithoutTheRecordFailsTheRunWithAReason() {
    // a PostgreSQL that answers but has no durable record: the check reports why, the figures stay
    try (TestServer server = TestServer.start(TestServer.onRedisWithPg(KEY_PREFIX))) {
      String elsewhere = TestServer.pgUrl().replaceFirst("/[^/?]+(\\?.*)?$", "/postgres");
      BenchSmokeTest.Run run = bench("write", "--url", "http://127.0.0.1:" + server.port(), "--connections", "2",
          "--workflows", "1", "--duration", "1", "--warmup", "0", "--pg-url", elsewhere, "--drain", "1");
      assertThat(run.status()).as(run.err()).isEqualTo(1);
      assertThat(run.report().getLong("ops")).isPositive();
      assertThat(run.report().getJsonObject("pg_check").getString("error")).contains("workflow_events");
    }
  }

  @Test
  void changesTheFlusherHoldsBackAreReportedMissing() {
    // the flusher reads only every 10 minutes and never on a change count: nothing reaches PostgreSQL
    JsonObject heldBack = TestServer.onRedisWithPg(KEY_PREFIX).put("flush.interval_ms", 600_000)
        .put("flush.threshold", 100_000_000);
    try (TestServer server = TestServer.start(heldBack)) {
      // more workflows than one query reads: a chunk left unread would count as found
      BenchSmokeTest.Run run = bench("write", "--url", "http://127.0.0.1:" + server.port(), "--connections", "4",
          "--workflows", String.valueOf(DurableCheck.WORKFLOWS_PER_QUERY + 100), "--duration", "1", "--warmup", "0",
          "--mix", "patch=50,event=50",
          "--pg-url", TestServer.pgUrl(), "--drain", "1");
      assertThat(run.status()).as("exit status of a failed check").isEqualTo(1);
      JsonObject check = run.report().getJsonObject("pg_check");
      assertThat(check.getBoolean("ok")).isFalse();
      assertThat(check.getLong("missing")).isEqualTo(check.getLong("acknowledged")).isPositive();
      assertThat(check.getLong("waited_ms")).isGreaterThanOrEqualTo(1000);
      assertThat(run.report().getJsonArray("failures").encode()).contains("PostgreSQL lacks");
    }
  }
}
