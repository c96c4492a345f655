package io.flowcast.flush;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.FlushedEvents;
import io.flowcast.testsupport.Writers;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.flowcast.flush.PostgresCrashRig.FLUSHED_WITHIN;
import static io.flowcast.flush.PostgresCrashRig.WORKFLOWS;
import static io.flowcast.flush.PostgresCrashRig.assertNothingLostOrDoubled;
import static io.flowcast.flush.PostgresCrashRig.awaitAcknowledged;
import static io.flowcast.flush.PostgresCrashRig.served;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL crashing while the flusher is inside a batch: killed whole while it writes a backlog, or one
 * backend killed (PostgreSQL then recovers by itself). The flusher reads the entries it had not
 * acknowledged again and retries them: nothing dropped, no row twice. Small batches over two shards, so
 * a backlog takes many transactions and the crash cuts one off.
 */
class PostgresMidFlushCrashTest {
  private static final JsonObject SMALL_BATCHES = new JsonObject().put("flush.batch_size", 25).put("redis.shards", 2);
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void aCrashWhileABacklogIsFlushedNeitherDropsNorDoublesARowWhenTheFlusherRetries() throws Exception {
    try (PostgresCrashRig rig = PostgresCrashRig.start("write-behind", SMALL_BATCHES)) {
      String token = rig.token(tenant);
      Writers writers = rig.writers(token);
      awaitAcknowledged(writers, 40, "before PostgreSQL stops");

      long beforeStop = FlushedEvents.count(rig.pool, tenant);
      rig.pg.stop();
      awaitAcknowledged(writers, 1500, "into the buffer while PostgreSQL is stopped");
      rig.pg.start();
      // some batches of the backlog committed (a stop may let one or two more of before it finish), another open
      Row atCrash = Eventually.await("the backlog's flush under way", FLUSHED_WITHIN, () -> rig.flushInProgress(tenant),
          r -> r != null && r.getLong("rows") >= beforeStop + 150 && r.getLong("open") > 0);
      rig.pg.crash();
      long acknowledgedAtCrash = writers.acknowledgedSoFar();
      rig.pg.start();
      assertThat(rig.pg.crashRecoveries()).as("PostgreSQL recovered from the crash").isEqualTo(1);
      awaitAcknowledged(writers, 40, "after the crash");
      writers.stop();

      Writers.Audit served = writers.audit(rig.api(), token);
      FlushedEvents.Audit flushed = FlushedEvents.await(rig.pool, tenant, rig.api(), token, writers, WORKFLOWS,
          FLUSHED_WITHIN);
      System.out.println("PostgreSQL SIGKILLed mid-flush of a backlog: " + flushed + "; " + beforeStop
          + " rows before the stop, at the crash " + atCrash.getLong("rows") + " committed of " + acknowledgedAtCrash
          + " acknowledged, " + atCrash.getLong("open") + " flush transaction(s) open; " + served(served));
      assertThat(atCrash.getLong("rows")).as("the crash came before the backlog was flushed")
          .isLessThan(acknowledgedAtCrash);
      assertNothingLostOrDoubled(served, flushed);
    }
  }

  @Test
  void aBackendKilledMidBatchMakesPostgresRecoverByItselfAndTheFlusherRetriesWithoutLossOrDuplicate()
      throws Exception {
    try (PostgresCrashRig rig = PostgresCrashRig.start("write-behind", SMALL_BATCHES)) {
      String token = rig.token(tenant);
      Writers writers = rig.writers(token);
      awaitAcknowledged(writers, 40, "before the crash");

      Row flushing = Eventually.await("a flush transaction open", FLUSHED_WITHIN, () -> rig.flushInProgress(tenant),
          r -> r != null && r.getLong("rows") > 20 && r.getLong("open") > 0);
      // the OOM killer's way: one backend dies, the postmaster ends every other one and recovers on its own
      rig.pg.killBackend(flushing.getLong("pid"));
      Eventually.until("PostgreSQL recovering by itself", Duration.ofSeconds(30), () -> rig.pg.crashRecoveries() == 1);
      awaitAcknowledged(writers, 200, "after the crash");
      writers.stop();

      Writers.Audit served = writers.audit(rig.api(), token);
      FlushedEvents.Audit flushed = FlushedEvents.await(rig.pool, tenant, rig.api(), token, writers, WORKFLOWS,
          FLUSHED_WITHIN);
      System.out.println("a PostgreSQL backend SIGKILLed mid-batch: " + flushed + "; " + served(served));
      assertNothingLostOrDoubled(served, flushed);
    }
  }
}
