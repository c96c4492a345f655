package io.flowcast.redis;

import io.vertx.redis.client.Response;

import java.util.HashMap;
import java.util.Map;

/** Reading Redis replies. */
public final class RedisReplies {
  private RedisReplies() {
  }

  /** The field/value pairs of a flat reply (a hash, a stream entry's fields). */
  public static Map<String, String> fields(Response flat) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      map.put(flat.get(i).toString(), flat.get(i + 1).toString());
    }
    return map;
  }
}
