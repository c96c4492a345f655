package io.flowcast.redis;

import io.flowcast.workflow.IdempotencyClaim;
import io.flowcast.workflow.IdempotencyRecords;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Idempotency-Key records in Redis ({@code lua/idempotency.lua}), each beside the workflow its request
 * changes: the workflow scripts check the claim and mark it applied with the change (see {@code _lib.lua}).
 */
final class RedisIdempotency implements IdempotencyRecords {
  static final String SCRIPT = "idempotency";
  private static final RedisScripts SCRIPTS = RedisScripts.standalone(List.of(SCRIPT));

  private final Redis redis;
  private final RedisKeys keys;
  private final long timeoutMs;

  RedisIdempotency(Redis redis, RedisKeys keys, long timeoutMs) {
    this.redis = redis;
    this.keys = keys;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Reservation> reserve(Scope scope, String fingerprint, long leaseMs, long ttlMs) {
    String record = keys.idempotency(scope.workflow(), scope.digest());
    String owner = UUID.randomUUID().toString();
    return call(record, "reserve", fingerprint, owner, Long.toString(leaseMs), Long.toString(ttlMs)).map(r -> {
      if (r.get(0).toString().equals("reserved")) {
        return new Reservation(new IdempotencyClaim(record, owner, scope.workflow().tag()), null);
      }
      String state = r.get(2).toString();
      Answer answer = !state.equals(DONE) ? null : new Answer(r.get(3).toInteger(),
          new JsonObject(r.get(4).toString()), r.get(5).toString().isEmpty() ? null : r.get(5).toString());
      return new Reservation(null, new Found(r.get(1).toString(), state, answer));
    });
  }

  @Override
  public Future<Boolean> complete(IdempotencyClaim claim, Answer answer, long ttlMs) {
    return call(claim.record(), "complete", claim.owner(), Long.toString(ttlMs), Integer.toString(answer.status()),
        answer.headers().encode(), answer.body() == null ? "" : answer.body()).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Void> release(IdempotencyClaim claim) {
    return call(claim.record(), "release", claim.owner()).mapEmpty();
  }

  private Future<Response> call(String record, String... args) {
    return SCRIPTS.run(redis, SCRIPT, List.of(record), List.of(args)).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(RedisCalls.redisDown()));
  }
}
