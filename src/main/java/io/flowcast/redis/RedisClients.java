package io.flowcast.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

import java.net.URI;

/** Creates Redis clients from the configured URL. */
public final class RedisClients {
  private RedisClients() {
  }

  /** A pooled client for commands; each pooled connection pipelines many requests. */
  public static Redis pooled(Vertx vertx, String url, int poolSize, int connectTimeoutMs) {
    return Redis.createClient(vertx, options(url, connectTimeoutMs)
        .setMaxPoolSize(poolSize)
        .setMaxPoolWaiting(poolSize * 1024)
        .setMaxWaitingHandlers(4096));
  }

  /**
   * A client whose connection is used for SUBSCRIBE. RESP3: messages arrive as push frames, kept apart
   * from command replies (with RESP2 a PING on a subscribed connection could take a message as its reply).
   */
  public static Redis subscriber(Vertx vertx, String url, int connectTimeoutMs) {
    return Redis.createClient(vertx, options(url, connectTimeoutMs).setMaxPoolSize(2)
        .setPreferredProtocolVersion(ProtocolVersion.RESP3));
  }

  /** The database number of a {@code redis://host:port/db} URL (0 when absent). */
  public static int database(String url) {
    String path = URI.create(url).getPath();
    if (path == null || path.length() <= 1) {
      return 0;
    }
    return Integer.parseInt(path.substring(1));
  }

  private static RedisOptions options(String url, int connectTimeoutMs) {
    return new RedisOptions()
        .setConnectionString(url)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(connectTimeoutMs).setTcpNoDelay(true)
            .setTcpKeepAlive(true));
  }
}
