package io.flowcast.redis;

import io.flowcast.instances.InstanceRecord;
import io.flowcast.instances.InstanceRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The registry every instance on one Redis shares ({@code lua/instances.lua}): a record per instance with a
 * TTL and a sorted-set index of the ids by lease end, both under the hash tag {@code {instances}}. Readers
 * list the index (never the keyspace), drop ids whose lease ended, and read the records in one MGET.
 */
final class RedisInstanceRegistry implements InstanceRegistry {
  private static final Logger log = LoggerFactory.getLogger(RedisInstanceRegistry.class);
  static final String SCRIPT = "instances";
  private static final RedisScripts SCRIPTS = RedisScripts.standalone(List.of(SCRIPT));

  private final Redis redis;
  private final RedisKeys keys;
  private final long timeoutMs;

  RedisInstanceRegistry(Redis redis, RedisKeys keys, long timeoutMs) {
    this.redis = redis;
    this.keys = keys;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Void> beat(InstanceRecord record, long ttlMs) {
    return bounded(SCRIPTS.run(redis, SCRIPT, List.of(keys.instanceIndex(), keys.instance(record.id())),
        List.of("beat", record.id(), Long.toString(ttlMs), record.toJson().encode()))).mapEmpty();
  }

  @Override
  public Future<Void> leave(String id) {
    return bounded(SCRIPTS.run(redis, SCRIPT, List.of(keys.instanceIndex(), keys.instance(id)),
        List.of("leave", id))).mapEmpty();
  }

  @Override
  public Future<List<InstanceRecord>> live() {
    return bounded(SCRIPTS.run(redis, SCRIPT, List.of(keys.instanceIndex()), List.of("live")))
        .compose(ids -> ids.size() == 0 ? Future.succeededFuture(List.of()) : records(ids));
  }

  private Future<List<InstanceRecord>> records(Response ids) {
    Request mget = Request.cmd(Command.MGET);
    ids.forEach(id -> mget.arg(keys.instance(id.toString())));
    return bounded(redis.send(mget)).map(values -> {
      List<InstanceRecord> live = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        Response value = values.get(i);
        if (value == null) {
          continue; // its record ran out between the two calls (or it just left)
        }
        try {
          live.add(InstanceRecord.fromJson(new JsonObject(value.toString())));
        } catch (RuntimeException e) {
          log.warn("instance registry: unreadable record of {} skipped ({})", ids.get(i), e.getMessage());
        }
      }
      live.sort(Comparator.comparing(InstanceRecord::id));
      return live;
    });
  }

  private <T> Future<T> bounded(Future<T> call) {
    return call.timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }
}
