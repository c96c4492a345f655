package io.flowcast.config;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where Redis is and how to reach it: {@code redis.url} (one URL, or several separated by commas for a
 * cluster's nodes or Sentinel's sentinels), {@code redis.type}, the Sentinel master's name and, for
 * {@code rediss://}, what to trust. Validated at start, naming the bad key.
 *
 * @param urls empty when no Redis is configured (the in-memory backend)
 */
public record RedisTarget(RedisClientType type, List<String> urls, String sentinelMaster, Tls tls) {

  /**
   * Trust for {@code rediss://}: the CA to trust (empty: the JVM's default trust store), whether the
   * server's certificate must name the host, and an optional client certificate and key (PEM files).
   */
  public record Tls(String caFile, boolean verifyHost, String clientCertFile, String clientKeyFile) {
    static final Tls DEFAULT = new Tls("", true, "", "");
  }

  /** One standalone Redis at {@code url}, with the default trust (tests, tools). */
  public static RedisTarget standalone(String url) {
    return new RedisTarget(RedisClientType.STANDALONE, List.of(url), "mymaster", Tls.DEFAULT);
  }

  static RedisTarget from(JsonObject c) {
    String type = FlowcastConfig.string(c, "redis.type", false).trim().toLowerCase(Locale.ROOT);
    if (!List.of("standalone", "cluster", "sentinel").contains(type)) {
      throw new ConfigException("redis.type", "must be one of standalone, cluster, sentinel, got '" + type + "'");
    }
    String raw = FlowcastConfig.string(c, "redis.url", true).trim();
    List<String> urls = raw.isEmpty() ? List.of()
        : Arrays.stream(raw.split(",")).map(String::trim).filter(u -> !u.isEmpty()).toList();
    urls.forEach(RedisTarget::checkUrl);
    if (type.equals("standalone") && urls.size() > 1) {
      throw new ConfigException("redis.url", "lists " + urls.size() + " URLs but redis.type is standalone; set "
          + "redis.type to cluster or sentinel, or give one URL");
    }
    if (urls.stream().map(u -> u.startsWith("rediss:")).distinct().count() > 1) {
      throw new ConfigException("redis.url", "mixes redis:// and rediss://; every node must be reached the same way");
    }
    if (urls.stream().map(RedisTarget::database).distinct().count() > 1) {
      throw new ConfigException("redis.url", "names different databases; every URL must name the same one");
    }
    if (type.equals("cluster") && !urls.isEmpty() && database(urls.get(0)) != 0) {
      throw new ConfigException("redis.url", "names database " + database(urls.get(0))
          + ", but Redis Cluster has only database 0");
    }
    String master = FlowcastConfig.string(c, "redis.sentinel.master", true).trim();
    if (type.equals("sentinel") && master.isEmpty()) {
      throw new ConfigException("redis.sentinel.master", "must name the master Sentinel monitors");
    }
    Tls tls = tls(c, !urls.isEmpty() && urls.get(0).startsWith("rediss:"));
    return new RedisTarget(RedisClientType.valueOf(type.toUpperCase(Locale.ROOT)), urls, master, tls);
  }

  /**
   * One node of this cluster, {@code host:port} as the cluster names it, reached as the first URL says
   * (scheme, user, password) with the same trust.
   */
  public RedisTarget node(String hostAndPort) {
    URI first = URI.create(urls.get(0));
    String user = first.getRawUserInfo() == null ? "" : first.getRawUserInfo() + "@";
    String url = first.getScheme() + "://" + user + hostAndPort;
    return new RedisTarget(RedisClientType.STANDALONE, List.of(url), sentinelMaster, tls);
  }

  /** True when a Redis is configured. */
  public boolean configured() {
    return !urls.isEmpty();
  }

  /** True for {@code rediss://}: every connection is TLS. */
  public boolean tlsEnabled() {
    return configured() && urls.get(0).startsWith("rediss:");
  }

  /** The database number the URLs name (0 when absent; always 0 on a cluster). */
  public int database() {
    return urls.isEmpty() ? 0 : database(urls.get(0));
  }

  /** The URLs without passwords, for logs and {@code /ready}. */
  public String redacted() {
    return Urls.withoutPasswords(String.join(",", urls));
  }

  private static int database(String url) {
    String path = URI.create(url).getPath();
    return path == null || path.length() <= 1 ? 0 : Integer.parseInt(path.substring(1));
  }

  private static void checkUrl(String url) {
    try {
      URI uri = URI.create(url);
      if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      database(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("redis.url", "expected redis[s]://[user:password@]host:port[/db] (several separated "
          + "by commas), got '" + Urls.withoutPasswords(url) + "'");
    }
  }

  private static Tls tls(JsonObject c, boolean rediss) {
    Tls tls = new Tls(file(c, "redis.tls.ca_file"), FlowcastConfig.bool(c, "redis.tls.verify_host"),
        file(c, "redis.tls.client_cert_file"), file(c, "redis.tls.client_key_file"));
    if (tls.clientCertFile().isEmpty() != tls.clientKeyFile().isEmpty()) {
      throw new ConfigException(tls.clientCertFile().isEmpty() ? "redis.tls.client_cert_file"
          : "redis.tls.client_key_file", "a client certificate needs both redis.tls.client_cert_file and "
          + "redis.tls.client_key_file");
    }
    if (!rediss && !tls.equals(Tls.DEFAULT)) {
      throw new ConfigException(!tls.caFile().isEmpty() ? "redis.tls.ca_file" : !tls.clientCertFile().isEmpty()
          ? "redis.tls.client_cert_file" : "redis.tls.verify_host", "is set but redis.url is not rediss:// (TLS)");
    }
    return tls;
  }

  private static String file(JsonObject c, String key) {
    String path = FlowcastConfig.string(c, key, true).trim();
    if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
      throw new ConfigException(key, "cannot read the file '" + path + "'");
    }
    return path;
  }
}
