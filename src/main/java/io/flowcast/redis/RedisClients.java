package io.flowcast.redis;

import io.flowcast.config.RedisTarget;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

/**
 * Creates Redis clients for the configured target: standalone, cluster or Sentinel (always the master),
 * over TLS for {@code rediss://}, authenticated with the user and password of the URL. Every connection
 * the server opens to Redis comes from here.
 */
public final class RedisClients {
  private RedisClients() {
  }

  /**
   * A pooled client for commands; each pooled connection pipelines many requests. On a cluster, one
   * shared cluster connection (see {@link SharedClusterConnection}).
   */
  public static Redis pooled(Vertx vertx, RedisTarget target, int poolSize, int connectTimeoutMs) {
    Redis client = Redis.createClient(vertx, options(target, connectTimeoutMs)
        .setMaxPoolSize(poolSize)
        .setMaxPoolWaiting(poolSize * 1024)
        .setMaxWaitingHandlers(4096));
    return target.type() == RedisClientType.CLUSTER ? new SharedClusterConnection(client) : client;
  }

  /** The same for one standalone Redis at {@code url}. */
  public static Redis pooled(Vertx vertx, String url, int poolSize, int connectTimeoutMs) {
    return pooled(vertx, RedisTarget.standalone(url), poolSize, connectTimeoutMs);
  }

  /**
   * A client whose connection is used for SUBSCRIBE. RESP3: messages arrive as push frames, kept apart
   * from command replies (with RESP2 a PING on a subscribed connection could take a message as its reply).
   */
  public static Redis subscriber(Vertx vertx, RedisTarget target, int connectTimeoutMs) {
    return Redis.createClient(vertx, options(target, connectTimeoutMs).setMaxPoolSize(2)
        .setPreferredProtocolVersion(ProtocolVersion.RESP3));
  }

  /** The same for one standalone Redis at {@code url}. */
  public static Redis subscriber(Vertx vertx, String url, int connectTimeoutMs) {
    return subscriber(vertx, RedisTarget.standalone(url), connectTimeoutMs);
  }

  static RedisOptions options(RedisTarget target, int connectTimeoutMs) {
    RedisOptions options = new RedisOptions()
        .setType(target.type())
        .setPreferredProtocolVersion(ProtocolVersion.RESP2)
        .setNetClientOptions(net(target, connectTimeoutMs));
    target.urls().forEach(options::addConnectionString);
    if (target.type() == RedisClientType.SENTINEL) {
      options.setMasterName(target.sentinelMaster()).setRole(RedisRole.MASTER);
    }
    return options;
  }

  /** TCP settings, and for {@code rediss://} TLS from the first byte (not an upgrade) with the configured trust. */
  private static NetClientOptions net(RedisTarget target, int connectTimeoutMs) {
    NetClientOptions net = new NetClientOptions().setConnectTimeout(connectTimeoutMs).setTcpNoDelay(true)
        .setTcpKeepAlive(true);
    if (!target.tlsEnabled()) {
      return net;
    }
    RedisTarget.Tls tls = target.tls();
    net.setSsl(true).setHostnameVerificationAlgorithm(tls.verifyHost() ? "HTTPS" : "");
    if (!tls.caFile().isEmpty()) {
      net.setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile()));
    }
    if (!tls.clientCertFile().isEmpty()) {
      net.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.clientCertFile()).setKeyPath(tls.clientKeyFile()));
    }
    return net;
  }
}
