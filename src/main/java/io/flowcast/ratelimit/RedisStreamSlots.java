package io.flowcast.ratelimit;

import io.flowcast.redis.RedisKeys;
import io.flowcast.redis.RedisScripts;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streams counted across instances ({@code lua/stream_slots.lua}): a sorted set per subject,
 * {@code ratelimit:streams:{<partition>}}, of stream ids scored by the end of their lease. This
 * instance extends the leases of its open streams with {@link #refresh()} (every third of a lease);
 * if it is killed they age out within one lease.
 */
public final class RedisStreamSlots implements StreamSlots {
  private static final Logger log = LoggerFactory.getLogger(RedisStreamSlots.class);
  static final String SCRIPT = "stream_slots";
  private static final RedisScripts SCRIPTS = RedisScripts.standalone(List.of(SCRIPT));

  private final Redis redis;
  private final RedisKeys keys;
  private final String instanceId;
  private final long leaseMs;
  /** This instance's open streams: stream id to its set's key. */
  private final Map<String, String> held = new ConcurrentHashMap<>();

  public RedisStreamSlots(Redis redis, RedisKeys keys, String instanceId, long leaseMs) {
    this.redis = redis;
    this.keys = keys;
    this.instanceId = instanceId;
    this.leaseMs = leaseMs;
  }

  public long leaseMs() {
    return leaseMs;
  }

  @Override
  public Future<Slot> acquire(String partition, int max) {
    String key = keys.rateLimit("streams", partition);
    String stream = instanceId + ":" + UUID.randomUUID();
    return SCRIPTS.run(redis, SCRIPT, List.of(key),
            List.of("acquire", stream, Integer.toString(max), Long.toString(leaseMs)))
        .map(reply -> {
          int open = reply.get(1).toInteger();
          if (reply.get(0).toInteger() != 1) {
            return Slot.refused(open);
          }
          held.put(stream, key);
          return Slot.granted(open, () -> release(stream, key));
        });
  }

  private void release(String stream, String key) {
    held.remove(stream);
    redis.send(Request.cmd(Command.ZREM).arg(key).arg(stream))
        .onFailure(err -> log.debug("stream slot {} not released ({}); its lease runs out", stream, err.getMessage()));
  }

  /** Extends the leases of this instance's open streams, one script call per subject. */
  public Future<Void> refresh() {
    Map<String, List<String>> byKey = new HashMap<>();
    held.forEach((stream, key) -> byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(stream));
    List<Future<?>> calls = new ArrayList<>();
    byKey.forEach((key, streams) -> {
      List<String> args = new ArrayList<>(streams.size() + 2);
      args.add("refresh");
      args.add(Long.toString(leaseMs));
      args.addAll(streams);
      calls.add(SCRIPTS.run(redis, SCRIPT, List.of(key), args));
    });
    return Future.join(calls).mapEmpty();
  }

  /** Streams this instance holds (for tests and shutdown). */
  public int held() {
    return held.size();
  }
}
