package io.flowcast.flush;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.FlowcastProcess;
import io.flowcast.testsupport.TcpProxy;
import io.flowcast.testsupport.TestServer;
import io.flowcast.testsupport.Writers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults under load from two instances: four writers, two on each instance, then PostgreSQL goes away
 * and comes back, or an instance is SIGKILLed. Each prints what was acknowledged, lost, renumbered and
 * duplicated; the docs promise zero of the last three, and PostgreSQL ends with every acknowledged event.
 */
class FaultsUnderWritersTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(FaultsUnderWritersTest.class);
  private static final int WRITERS = 4;
  private Vertx vertx;
  private Databases db;
  private String tenant;

  @BeforeEach
  void fresh() {
    vertx = Vertx.vertx();
    db = new Databases(vertx, KEY_PREFIX);
    db.flushRedis();
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void close() {
    db.flushRedis();
    db.close();
    vertx.close().await();
  }

  @Test
  void aPostgresOutageUnderWritersOnTwoInstancesLosesNothing() throws Exception {
    try (TcpProxy proxy = TcpProxy.inFrontOf(vertx, TestServer.pgUrl())) {
      JsonObject config = TestServer.onRedisWithPg(KEY_PREFIX).put("pg.url", proxy.url(TestServer.pgUrl()))
          .put("pg.timeout_ms", 1000).put("flush.interval_ms", 100);
      try (TestServer a = TestServer.start(config); TestServer b = TestServer.start(config)) {
        String token = a.token("writer", tenant, TestServer.RW);
        createWorkflows(a.api(), token);
        Writers writers = Writers.start(List.of(a.api(), b.api()), token, WRITERS);
        Thread.sleep(1000);
        proxy.cut();
        Thread.sleep(2000);
        proxy.restore();
        Thread.sleep(1000);
        writers.stop();

        Writers.Audit audit = writers.audit(a.api(), token);
        System.out.println("PostgreSQL outage: " + audit);
        assertNothingLost(audit);
        assertPostgresHasEveryEvent(a.api(), token);
      }
    }
  }

  @Test
  void anInstanceSigkilledUnderWritersLosesNothingAcknowledged() throws Exception {
    JsonObject config = TestServer.onRedisWithPg(KEY_PREFIX).put("flush.interval_ms", 100);
    try (FlowcastProcess doomed = FlowcastProcess.start(vertx, config);
         TestServer survivor = TestServer.start(config)) {
      String token = survivor.token("writer", tenant, TestServer.RW);
      createWorkflows(survivor.api(), token);
      Writers writers = Writers.start(List.of(Api.on(vertx, doomed.port()), survivor.api()), token, WRITERS);
      Thread.sleep(1500);
      doomed.kill();
      Thread.sleep(1500);
      writers.stop();

      Writers.Audit audit = writers.audit(survivor.api(), token);
      System.out.println("SIGKILL of an instance: " + audit);
      assertNothingLost(audit);
      assertPostgresHasEveryEvent(survivor.api(), token);
    }
  }

  private void createWorkflows(Api api, String token) {
    for (int w = 0; w < WRITERS; w++) {
      api.create(token, new JsonObject().put("id", "w" + w));
    }
  }

  private static void assertNothingLost(Writers.Audit audit) {
    assertThat(audit.acknowledged()).as("writes went on around the fault").isGreaterThan(40);
    assertThat(audit.lost()).isZero();
    assertThat(audit.renumbered()).isZero();
    assertThat(audit.duplicated()).isZero();
  }

  /** Once flushed, PostgreSQL holds every event of the history, once. */
  private void assertPostgresHasEveryEvent(Api api, String token) {
    for (int w = 0; w < WRITERS; w++) {
      String workflow = "w" + w;
      List<String> ids = Writers.history(api, token, workflow).stream().map(e -> e.getString("id")).toList();
      List<String> flushed = Eventually.await(workflow + " flushed", Duration.ofSeconds(30),
          () -> db.sql("SELECT event_id FROM workflow_events WHERE tenant = $1 AND workflow_id = $2 ORDER BY seq",
              tenant, workflow).stream().map(r -> r.getString("event_id")).toList(),
          rows -> rows.size() >= ids.size());
      assertThat(flushed).containsExactlyElementsOf(ids);
      Set<String> unique = new HashSet<>(flushed);
      assertThat(unique).hasSameSizeAs(flushed);
    }
  }
}
