package io.flowcast.redis;

import io.flowcast.auth.RefreshTokens;
import io.flowcast.auth.Session;
import io.flowcast.bus.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Refresh tokens in Redis, shared by every instance. A family is one hash
 * {@code auth:refresh:{<family>}} (token hash → record) rotated by {@code lua/refresh.lua}; a revoked
 * session is an entry of the sorted set {@link RedisKeys#revokedSessions()} scored by the end of its last
 * access token, announced on the channel {@link RedisKeys#revocations()} (all under the key prefix).
 */
public final class RedisRefreshTokens implements RefreshTokens {
  private final Redis redis;
  private final RedisKeys keys;
  private final long timeoutMs;
  private final RedisScripts scripts = RedisScripts.standalone(List.of("refresh"));

  public RedisRefreshTokens(Redis redis, RedisKeys keys, long timeoutMs) {
    this.redis = redis;
    this.keys = keys;
    this.timeoutMs = timeoutMs;
  }

  private String family(String id) {
    return keys.refreshFamily(id);
  }

  @Override
  public Future<String> start(Session session, long ttlSeconds) {
    String secret = RefreshTokens.random(32);
    JsonObject record = session.toJson().put("state", "active").put("exp", now() + ttlSeconds);
    String key = family(session.sid());
    return guard(redis.batch(List.of(
        Request.cmd(Command.HSET).arg(key).arg(RefreshTokens.hash(secret)).arg(record.encode()),
        Request.cmd(Command.EXPIRE).arg(key).arg(ttlSeconds))))
        .map(ok -> session.sid() + "." + secret);
  }

  @Override
  public Future<Rotation> rotate(String token, long ttlSeconds) {
    String[] parts = RefreshTokens.parse(token);
    if (parts == null) {
      return Future.succeededFuture(new Rotation(Rotation.Kind.INVALID, null, null));
    }
    String next = RefreshTokens.random(32);
    return guard(scripts.run(redis, "refresh", List.of(family(parts[0])), List.of(RefreshTokens.hash(parts[1]),
        RefreshTokens.hash(next), String.valueOf(now()), String.valueOf(ttlSeconds)))).map(r -> {
          String outcome = r.get(0).toString();
          Session session = r.size() > 1 ? Session.fromJson(new JsonObject(r.get(1).toString())) : null;
          return switch (outcome) {
            case "ok" -> new Rotation(Rotation.Kind.OK, session, parts[0] + "." + next);
            case "reused" -> new Rotation(Rotation.Kind.REUSED, session, null);
            case "revoked" -> new Rotation(Rotation.Kind.REVOKED, null, null);
            default -> new Rotation(Rotation.Kind.INVALID, null, null);
          };
        });
  }

  @Override
  public Future<Session> revoke(String token) {
    String[] parts = RefreshTokens.parse(token);
    if (parts == null) {
      return Future.succeededFuture(null);
    }
    String key = family(parts[0]);
    return guard(redis.send(Request.cmd(Command.HGET).arg(key).arg(RefreshTokens.hash(parts[1])))).compose(r -> {
      if (r == null) {
        return Future.succeededFuture(null);
      }
      Session session = Session.fromJson(new JsonObject(r.toString()));
      return guard(redis.send(Request.cmd(Command.HSET).arg(key).arg("revoked").arg("1"))).map(ok -> session);
    });
  }

  @Override
  public Future<Void> revokeSession(String sid, long untilEpochSecond) {
    String revoked = keys.revokedSessions();
    // one key (one slot on a cluster), read whole at start; entries whose tokens all expired are dropped
    return guard(redis.batch(List.of(
        Request.cmd(Command.ZADD).arg(revoked).arg("GT").arg(untilEpochSecond).arg(sid),
        Request.cmd(Command.ZREMRANGEBYSCORE).arg(revoked).arg("-inf").arg("(" + now()),
        Request.cmd(Command.EXPIREAT).arg(revoked).arg(untilEpochSecond).arg("GT"),
        Request.cmd(Command.EXPIREAT).arg(revoked).arg(untilEpochSecond).arg("NX")))).compose(ok ->
        guard(redis.send(Request.cmd(Command.PUBLISH).arg(keys.revocations()).arg(sid + " " + untilEpochSecond))))
        .mapEmpty();
  }

  @Override
  public Future<Map<String, Long>> revokedSessions() {
    return guard(redis.send(Request.cmd(Command.ZRANGE).arg(keys.revokedSessions()).arg("(" + now()).arg("+inf")
        .arg("BYSCORE").arg("WITHSCORES"))).map(r -> {
          Map<String, Long> found = new HashMap<>();
          // the command client speaks RESP2: member, score, member, score ...
          for (int i = 0; r != null && i + 1 < r.size(); i += 2) {
            found.put(r.get(i).toString(), (long) Double.parseDouble(r.get(i + 1).toString()));
          }
          return found;
        });
  }

  private <T> Future<T> guard(Future<T> call) {
    return call.timeout(timeoutMs, TimeUnit.MILLISECONDS).recover(err -> Future.failedFuture(
        ApiException.unavailable("Redis is unavailable: " + err.getMessage())));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }
}
