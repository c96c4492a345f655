package io.flowcast.testsupport;

import io.flowcast.backend.Backend;
import io.flowcast.config.RedisTarget;
import io.flowcast.health.FlowcastMeters;
import io.flowcast.health.Readiness;
import io.flowcast.redis.RedisBackend;
import io.flowcast.redis.RedisClients;
import io.flowcast.redis.RedisKeys;
import io.flowcast.redis.RedisWorkflowStore;
import io.flowcast.review.Sections;
import io.flowcast.workflow.WorkflowStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

import java.time.Clock;

/**
 * Redis workflow stores for contract tests, on the test script's Redis (without persistence), or on
 * another target under a prefix of the test's own. Open one per test class; every test works in a
 * tenant of its own, so they share the server without cleanup.
 */
public final class RedisStores implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Redis redis;
  private final RedisTarget target;
  private final String prefix;
  private int waitReplicas;

  /** On the test script's Redis, under the run's prefix. */
  public RedisStores() {
    this(RedisTarget.standalone(TestServer.redisUrl()), TestServer.RUN_PREFIX);
  }

  public RedisStores(RedisTarget target, String prefix) {
    this.target = target;
    this.prefix = prefix;
    this.redis = RedisClients.pooled(vertx, target, 4, 2000);
  }

  /** Changes are acknowledged once this many replicas have them ({@code redis.wait_replicas}). */
  public RedisStores waitingFor(int replicas) {
    this.waitReplicas = replicas;
    return this;
  }

  /** A fresh Redis backend (no persistence) keeping about {@code retentionMax} events per workflow. */
  public Backend backend(int retentionMax) {
    return backend(retentionMax, Clock.systemUTC());
  }

  /** The same on {@code clock} (what the Java side times: events' times, action leases). */
  public Backend backend(int retentionMax, Clock clock) {
    return RedisBackend.create(vertx, new RedisBackend.Connections(redis, target),
        new RedisWorkflowStore.Settings(new RedisKeys(prefix), retentionMax, 300, 2000, 3600, 0, 0, false,
            waitReplicas),
        null, Sections.HOOK, clock, new FlowcastMeters(new SimpleMeterRegistry()), new Readiness());
  }

  /** The workflow store of a fresh backend. */
  public WorkflowStore store(int retentionMax) {
    return backend(retentionMax).store();
  }

  @Override
  public void close() {
    redis.close();
    vertx.close().await();
  }
}
