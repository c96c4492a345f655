package io.flowcast.testsupport;

import io.flowcast.config.RedisTarget;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;

import java.util.List;
import java.util.UUID;

/**
 * A Redis as managed services run it, private to the test: TLS only (certificates made for the run),
 * the default user off, and Flowcast's user with exactly the rules docs/REDIS.md documents, for
 * {@code prefix}. Keyspace notifications for expiry are on, as the operator sets them.
 */
public final class ManagedRedis implements AutoCloseable {
  private final TestCertificates certificates;
  private final RedisProcess redis;
  private final String prefix;
  private final String password = "pw-" + UUID.randomUUID();

  private ManagedRedis(TestCertificates certificates, RedisProcess redis, String prefix) {
    this.certificates = certificates;
    this.redis = redis;
    this.prefix = prefix;
  }

  public static ManagedRedis start(String prefix) throws Exception {
    TestCertificates certificates = TestCertificates.generate();
    RedisProcess redis = new RedisProcess().withTls(certificates, false);
    ManagedRedis managed = new ManagedRedis(certificates, redis, prefix);
    redis.withAclUsers(FlowcastAcl.aclFile(prefix, managed.password))
        .withArgs("--notify-keyspace-events", "Ex").start();
    return managed;
  }

  /** {@code rediss://flowcast:<password>@127.0.0.1:<port>}. */
  public String url() {
    return url(password);
  }

  public String url(String password) {
    return "rediss://" + FlowcastAcl.USER + ":" + password + "@127.0.0.1:" + redis.port();
  }

  public String password() {
    return password;
  }

  public TestCertificates certificates() {
    return certificates;
  }

  /** Config overrides for a server on it: the URL, the test CA to trust, the prefix, no fallback. */
  public JsonObject config() {
    return new JsonObject().put("redis.url", url()).put("redis.tls.ca_file", certificates.caCert().toString())
        .put("redis.key_prefix", prefix).put("redis.fallback", "none");
  }

  /** The same as a target, for clients made in the test. */
  public RedisTarget target() {
    return new RedisTarget(RedisClientType.STANDALONE, List.of(url()), "mymaster",
        new RedisTarget.Tls(certificates.caCert().toString(), true, "", ""));
  }

  @Override
  public void close() throws Exception {
    try {
      redis.close();
    } finally {
      certificates.close();
    }
  }
}
