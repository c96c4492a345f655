package io.flowcast.flush;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.FlushedEvents;
import io.flowcast.testsupport.TestServer;
import io.flowcast.testsupport.Writers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.flowcast.flush.PostgresCrashRig.FLUSHED_WITHIN;
import static io.flowcast.flush.PostgresCrashRig.WORKFLOWS;
import static io.flowcast.flush.PostgresCrashRig.assertNothingLostOrDoubled;
import static io.flowcast.flush.PostgresCrashRig.awaitAcknowledged;
import static io.flowcast.flush.PostgresCrashRig.ready;
import static io.flowcast.flush.PostgresCrashRig.saysPostgresIsDown;
import static io.flowcast.flush.PostgresCrashRig.served;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL killed for real (SIGKILL of the postmaster and every backend, mid-transaction) under writers
 * on two instances, then started again on the same data (crash recovery), in each persistence mode. Each
 * test prints what was acknowledged and what PostgreSQL ends up with: every acknowledged event once, under
 * its seq, nothing lost, doubled or renumbered. (A crash inside a flush batch: {@link PostgresMidFlushCrashTest}.)
 */
class PostgresCrashTest {
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void writeBehindAcknowledgesWhilePostgresIsKilledAndFlushesEveryEventOnceAfterCrashRecovery() throws Exception {
    try (PostgresCrashRig rig = PostgresCrashRig.start("write-behind", new JsonObject())) {
      String token = rig.token(tenant);
      Writers writers = rig.writers(token);
      awaitAcknowledged(writers, 40, "before the crash");
      Eventually.until("events flushed before the crash", FLUSHED_WITHIN, () -> FlushedEvents.count(rig.pool, tenant) > 20);

      rig.pg.crash();
      long crashed = System.nanoTime();
      for (TestServer server : rig.servers) {
        // the flusher's failures show under degraded first; the probe (every 2 s) then takes readiness down
        JsonObject ready = Eventually.await("/ready of :" + server.port() + " reports PostgreSQL down",
            Duration.ofSeconds(30), () -> ready(server),
            r -> r.getJsonObject("checks").getJsonObject("postgresql").getString("status").equals("down"));
        assertThat(ready.getInteger("http_status")).as("not ready, writes go on: %s", ready).isEqualTo(503);
        assertThat(ready.getJsonObject("checks").getJsonObject("postgresql").getString("detail"))
            .startsWith("unreachable; changes wait in the write buffer");
      }
      int atCrash = writers.acknowledgedSoFar();
      Eventually.until("100 writes acknowledged and 3 s passed with PostgreSQL down", Duration.ofSeconds(60),
          () -> writers.acknowledgedSoFar() >= atCrash + 100 && System.nanoTime() - crashed > 3_000_000_000L);
      long restarting = System.nanoTime();
      rig.pg.start();
      assertThat(rig.pg.crashRecoveries()).as("PostgreSQL recovered from the crash").isEqualTo(1);
      awaitAcknowledged(writers, 40, "after the restart");
      writers.stop();

      long whileDown = writers.acknowledged().stream()
          .filter(a -> a.sentNanos() > crashed && a.answeredNanos() < restarting).count();
      Writers.Audit served = writers.audit(rig.api(), token);
      FlushedEvents.Audit flushed = FlushedEvents.await(rig.pool, tenant, rig.api(), token, writers, WORKFLOWS,
          FLUSHED_WITHIN);
      System.out.println("PostgreSQL SIGKILLed, write-behind: " + flushed + "; " + whileDown
          + " acknowledged in the " + (restarting - crashed) / 1_000_000 + " ms it was down; " + served(served));
      assertThat(whileDown).as("writes went on into the buffer while PostgreSQL was down").isPositive();
      assertNothingLostOrDoubled(served, flushed);
      for (TestServer server : rig.servers) {
        Eventually.until("/ready of :" + server.port() + " recovered", Duration.ofSeconds(30),
            () -> !saysPostgresIsDown(ready(server)));
      }
    }
  }

  @Test
  void writeThroughAnswers503WhilePostgresIsKilledAndHoldsEveryAcknowledgedWriteOnceAfterRecovery() throws Exception {
    try (PostgresCrashRig rig = PostgresCrashRig.start("write-through", new JsonObject())) {
      String token = rig.token(tenant);
      rig.api().create(token, new JsonObject().put("id", "retried"));
      Writers writers = rig.writers(token);
      awaitAcknowledged(writers, 40, "before the crash");

      int refusedBefore = writers.refusedSoFar("503");
      rig.pg.crash();
      long crashed = System.nanoTime();
      Eventually.until("writes answered 503 while PostgreSQL is down", Duration.ofSeconds(30),
          () -> writers.refusedSoFar("503") >= refusedBefore + 20);
      for (TestServer server : rig.servers) {
        Eventually.await("/ready of :" + server.port() + " is 503", Duration.ofSeconds(30), () -> ready(server),
            r -> r.getInteger("http_status") == 503 && saysPostgresIsDown(r));
      }
      // a client that retries a 503 with its Idempotency-Key does not apply the change twice
      assertThat(retried(rig, token).statusCode()).isEqualTo(503);
      assertThat(retried(rig, token).statusCode()).as("the retry finds the first one applied").isEqualTo(409);
      long restarting = System.nanoTime();
      rig.pg.start();
      assertThat(rig.pg.crashRecoveries()).as("PostgreSQL recovered from the crash").isEqualTo(1);
      awaitAcknowledged(writers, 40, "after the restart");
      writers.stop();
      assertThat(retried(rig, token).statusCode()).as("retried once PostgreSQL is back").isIn(201, 409);

      // sent after PostgreSQL was dead and answered before it was back: it cannot have committed such a write
      long whileDown = writers.acknowledged().stream()
          .filter(a -> a.sentNanos() > crashed && a.answeredNanos() < restarting).count();
      Writers.Audit served = writers.audit(rig.api(), token);
      FlushedEvents.Audit flushed = FlushedEvents.await(rig.pool, tenant, rig.api(), token, writers, WORKFLOWS,
          FLUSHED_WITHIN);
      System.out.println("PostgreSQL SIGKILLed, write-through: " + flushed + "; " + whileDown
          + " acknowledged while it was down; " + served(served));
      assertThat(whileDown).as("nothing is acknowledged while PostgreSQL is down").isZero();
      assertNothingLostOrDoubled(served, flushed);
      Eventually.until("the retried change in PostgreSQL, once", FLUSHED_WITHIN, () -> rig.pool
          .preparedQuery("SELECT count(*) AS n FROM workflow_events WHERE tenant = $1 AND workflow_id = 'retried' "
              + "AND type = 'retried'").execute(Tuple.of(tenant)).await().iterator().next().getLong("n") == 1);
      assertThat(Writers.history(rig.api(), token, "retried").stream().filter(e -> e.getString("type")
          .equals("retried"))).hasSize(1);
    }
  }

  /** One change, always with the same Idempotency-Key. */
  private static HttpResponse<Buffer> retried(PostgresCrashRig rig, String token) {
    return rig.api().send(HttpMethod.POST, "/api/v1/workflows/retried/events", token,
        new JsonObject().put("type", "retried").toBuffer(), "application/json",
        MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", "\"retried-once\""));
  }
}
