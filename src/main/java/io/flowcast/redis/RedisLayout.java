package io.flowcast.redis;

import io.flowcast.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.concurrent.TimeUnit;

/**
 * Every instance must shard workflows alike: an instance with another {@code redis.shards} would look
 * for workflows under other hash tags and split the write buffer. The first instance records the
 * layout under the key prefix; every later start compares its own with it and refuses a mismatch.
 */
public final class RedisLayout {
  private RedisLayout() {
  }

  /** Records this layout if none is recorded; fails with a {@link ConfigException} if another one is. */
  public static Future<Void> check(Redis redis, RedisKeys keys, long timeoutMs) {
    String mine = "shards=" + keys.shards();
    return redis.send(Request.cmd(Command.SET).arg(keys.layout()).arg(mine).arg("NX").arg("GET"))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .compose(previous -> {
          String recorded = previous == null ? null : previous.toString();
          if (recorded == null || recorded.equals(mine)) {
            return Future.succeededFuture();
          }
          return Future.failedFuture(new ConfigException("redis.shards", "is " + keys.shards()
              + ", but the data under this key prefix was written with " + recorded + " (key " + keys.layout()
              + "); set the same on every instance, or drain the write buffer and remove that key to change it"));
        });
  }
}
