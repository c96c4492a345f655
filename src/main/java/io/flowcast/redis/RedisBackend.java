package io.flowcast.redis;

import io.flowcast.backend.Backend;
import io.flowcast.config.RedisTarget;
import io.flowcast.health.FlowcastMeters;
import io.flowcast.health.Readiness;
import io.flowcast.workflow.StateHook;
import io.flowcast.workflow.WorkflowArchive;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

import java.time.Clock;
import java.util.Optional;

/**
 * The shared backend: workflows, feature data, action queues and refresh tokens in Redis, events between
 * instances over Redis pub/sub, and with an archive the durable record in PostgreSQL behind it.
 */
public final class RedisBackend {
  private RedisBackend() {
  }

  /** How to reach Redis: the pooled client for commands, and the target the pub/sub side connects to. */
  public record Connections(Redis pooled, RedisTarget target) {
  }

  /** @param archive the durable record, or null without persistence */
  public static Backend create(Vertx vertx, Connections redis, RedisWorkflowStore.Settings settings,
      WorkflowArchive archive, StateHook hook, Clock clock, FlowcastMeters meters, Readiness readiness) {
    RedisWorkflowStore store = new RedisWorkflowStore(vertx, redis.pooled(), redis.target(), settings, archive, meters,
        hook, clock);
    RedisEventTransport transport = new RedisEventTransport(vertx, redis.pooled(), redis.target(), settings.keys(),
        settings.timeoutMs(), readiness);
    return new Backend("redis", store, new RedisSideData(store), new RedisActionQueue(store), new RedisInterrupts(store),
        transport,
        new RedisRefreshTokens(redis.pooled(), settings.keys(), settings.timeoutMs()),
        new RedisInstanceRegistry(redis.pooled(), settings.keys(), settings.timeoutMs()),
        new RedisIdempotency(redis.pooled(), settings.keys(), settings.timeoutMs()), Optional.ofNullable(archive),
        new RedisPresence(store, redis.pooled(), settings.keys(), settings.timeoutMs()),
        new RedisOutputs(store));
  }
}
