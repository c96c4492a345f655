package io.flowcast.redis;

import io.flowcast.config.ConfigException;
import io.flowcast.config.RedisTarget;

import javax.net.ssl.SSLException;

/**
 * Tells a Redis that refuses this server (wrong user or password, a user without the commands, a
 * certificate that is not trusted) from one that is down: retrying cannot cure a refusal, so the start
 * fails with a message naming the setting to fix.
 */
public final class RedisRefusal {
  private RedisRefusal() {
  }

  /** The configuration error {@code err} reveals, or null when it is not a refusal (Redis down, a timeout). */
  public static ConfigException of(Throwable err, RedisTarget target) {
    String where = "Redis at " + target.redacted();
    for (Throwable t = err; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t instanceof SSLException) {
        return tls(where, t);
      }
      if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")) {
        return new ConfigException("redis.url", where + " refused the user and password of redis.url (" + message
            + "); put them in the URL as rediss://user:password@host:port (percent-encoded)");
      }
      if (message.startsWith("NOPERM")) {
        return new ConfigException("redis.url", where + " refused a command to the user of redis.url (" + message
            + "); grant it the commands listed in docs/REDIS.md");
      }
    }
    return null;
  }

  /** Netty says "Failed to create SSL connection"; why is further down the causes (the deepest one is shown). */
  private static ConfigException tls(String where, Throwable handshake) {
    StringBuilder all = new StringBuilder();
    String message = String.valueOf(handshake.getMessage());
    for (Throwable t = handshake; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        all.append(t.getMessage()).append('\n');
        message = t.getMessage();
      }
    }
    String reasons = all.toString();
    if (reasons.contains("PKIX") || reasons.contains("certification path")) {
      return new ConfigException("redis.tls.ca_file", where + " presented a certificate this server does not trust ("
          + message + "); set redis.tls.ca_file to the PEM file of the CA that signed it");
    }
    if (reasons.contains("subject alternative") || reasons.contains("No name matching")) {
      return new ConfigException("redis.tls.verify_host", where + " presented a certificate issued for another "
          + "host name (" + message + "); connect by the name it names, or set redis.tls.verify_host to false");
    }
    return new ConfigException("redis.url", "the TLS handshake with " + where + " failed (" + message
        + "); is that port TLS (rediss://), and does it accept this client?");
  }
}
