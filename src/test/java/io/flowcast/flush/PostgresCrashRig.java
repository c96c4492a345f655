package io.flowcast.flush;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.FlushedEvents;
import io.flowcast.testsupport.PostgresProcess;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.TestServer;
import io.flowcast.testsupport.Writers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the PostgreSQL crash tests run on: a private PostgreSQL (to kill) and a private Redis (append-only
 * file fsynced on every write, so Redis itself loses nothing), two instances on them, a pool of the
 * test's own to read PostgreSQL, and writers on both instances; and what the tests check with them.
 */
final class PostgresCrashRig implements AutoCloseable {
  static final int WORKFLOWS = 4;
  /** How long the flush may take to catch up after PostgreSQL is back (a loaded machine, a backlog). */
  static final Duration FLUSHED_WITHIN = Duration.ofSeconds(60);

  final Vertx vertx = Vertx.vertx();
  final PostgresProcess pg;
  final RedisProcess redis;
  final List<TestServer> servers = new ArrayList<>();
  final Pool pool;

  private PostgresCrashRig(PostgresProcess pg, RedisProcess redis) {
    this.pg = pg;
    this.redis = redis;
    this.pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(pg.url())).using(vertx).build();
  }

  /** Starts PostgreSQL, Redis and two instances in {@code mode}, with {@code overrides} of the flush settings. */
  static PostgresCrashRig start(String mode, JsonObject overrides) throws Exception {
    PostgresProcess pg = new PostgresProcess();
    RedisProcess redis = null;
    PostgresCrashRig rig = null;
    try {
      pg.start();
      redis = new RedisProcess().start();
      rig = new PostgresCrashRig(pg, redis);
      JsonObject config = new JsonObject().put("redis.url", redis.url()).put("redis.fallback", "none")
          .put("pg.url", pg.url()).put("pg.timeout_ms", 2000).put("persistence.mode", mode)
          .put("flush.interval_ms", 100).put("flush.claim_idle_ms", 1000).put("flush.drain_timeout_ms", 2000)
          .mergeIn(overrides);
      rig.servers.add(TestServer.start(config));
      rig.servers.add(TestServer.start(config));
      return rig;
    } catch (Exception | Error e) {
      if (rig != null) {
        rig.close();
      } else {
        if (redis != null) {
          redis.close();
        }
        pg.close();
      }
      throw e;
    }
  }

  Api api() {
    return servers.get(0).api();
  }

  String token(String tenant) {
    return servers.get(0).token("writer", tenant, TestServer.RW);
  }

  /** Creates the writers' workflows and starts one writer on each, alternating between the instances. */
  Writers writers(String token) {
    for (int w = 0; w < WORKFLOWS; w++) {
      api().create(token, new JsonObject().put("id", "w" + w));
    }
    return Writers.start(servers.stream().map(TestServer::api).toList(), token, WORKFLOWS);
  }

  /** The /ready report of {@code server} with its HTTP status added as {@code http_status}. */
  static JsonObject ready(TestServer server) {
    HttpResponse<Buffer> response = server.api().get("/ready", null);
    return response.bodyAsJsonObject().put("http_status", response.statusCode());
  }

  /** Whether a /ready report says PostgreSQL is unreachable or flushing to it fails. */
  static boolean saysPostgresIsDown(JsonObject ready) {
    JsonObject check = ready.getJsonObject("checks").getJsonObject("postgresql");
    boolean degraded = ready.getJsonArray("degraded").stream().map(String::valueOf)
        .anyMatch(d -> d.contains("PostgreSQL"));
    return degraded || check.getString("status").equals("down");
  }

  /**
   * The tenant's committed rows, how many flush transactions (the batch's advisory lock, its inserts, its
   * update) are open right now, and the backend pid of one of them; null while PostgreSQL cannot answer.
   */
  Row flushInProgress(String tenant) {
    try {
      return pool.preparedQuery("SELECT (SELECT count(*) FROM workflow_events WHERE tenant = $1) AS rows, "
          + "count(*) AS open, min(pid) AS pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
          + "AND xact_start IS NOT NULL "
          + "AND query ~ 'pg_advisory_xact_lock|INSERT INTO (workflow_events|audit_log|workflows)|UPDATE workflows'")
          .execute(Tuple.of(tenant)).await().iterator().next();
    } catch (RuntimeException notYet) { // still starting up, or a connection of before the restart
      return null;
    }
  }

  /** Waits until {@code more} writes were acknowledged from now on. */
  static void awaitAcknowledged(Writers writers, int more, String when) {
    int from = writers.acknowledgedSoFar();
    Eventually.until(more + " more writes acknowledged " + when, Duration.ofSeconds(60),
        () -> writers.acknowledgedSoFar() >= from + more);
  }

  /** The writers' audit through the API, in counts. */
  static String served(Writers.Audit audit) {
    return "through the API: lost " + audit.lost() + ", renumbered " + audit.renumbered() + ", duplicated "
        + audit.duplicated() + ", refused " + audit.refused() + " (" + audit.storedThoughRefused().size()
        + " of them stored all the same)";
  }

  static void assertNothingLostOrDoubled(Writers.Audit served, FlushedEvents.Audit flushed) {
    assertThat(served.lost()).as("lost, as the API serves the histories").isZero();
    assertThat(served.renumbered()).isZero();
    assertThat(served.duplicated()).isZero();
    assertThat(flushed.lost()).as("acknowledged events missing from PostgreSQL").isZero();
    assertThat(flushed.renumbered()).as("acknowledged ids naming another write in PostgreSQL").isZero();
    assertThat(flushed.duplicated()).as("rows or writes twice in PostgreSQL").isZero();
  }

  @Override
  public void close() throws Exception {
    try {
      servers.forEach(TestServer::close);
      pool.close().await();
      vertx.close().await();
    } finally {
      try {
        redis.close();
      } finally {
        pg.close();
      }
    }
  }
}
