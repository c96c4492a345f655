package io.flowcast.redis;

import io.flowcast.testsupport.FlowcastProcess;
import io.flowcast.testsupport.ManagedRedis;
import io.flowcast.testsupport.RedisProcess;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A managed Redis that refuses the server (wrong password, a certificate it does not trust) fails the
 * start at once with a message naming the setting, even with {@code redis.fallback=memory}; a client
 * certificate is presented when configured.
 */
class ManagedRedisRefusalTest {
  private static final String WRONG = "not-the-password-4711";
  private static ManagedRedis managed;

  @BeforeAll
  static void start() throws Exception {
    managed = ManagedRedis.start("fc-refusal:");
  }

  @AfterAll
  static void stop() throws Exception {
    managed.close();
  }

  @Test
  void aWrongPasswordFailsTheStartNamingRedisUrlWithoutShowingThePassword() {
    // a generous timeout: on a loaded machine the TLS handshake must not pass for "unreachable"
    JsonObject config = managed.config().put("redis.url", managed.url(WRONG)).put("redis.fallback", "memory")
        .put("redis.timeout_ms", 8000);
    long started = System.nanoTime();
    assertThatThrownBy(() -> TestServer.start(config)).hasMessageContaining("'redis.url'")
        .hasMessageContaining("WRONGPASS").hasMessageContaining("rediss://flowcast:***@127.0.0.1:")
        .hasMessageNotContaining(WRONG);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
  }

  @Test
  void aCertificateFromAnUntrustedCaFailsTheStartNamingTheCaFile() {
    assertThatThrownBy(() -> TestServer.start(managed.config().put("redis.fallback", "memory")
        .put("redis.tls.ca_file", managed.certificates().otherCaCert().toString())))
        .hasMessageContaining("'redis.tls.ca_file'").hasMessageContaining("does not trust");
    // the JVM's default trust store does not know the test's CA either
    assertThatThrownBy(() -> TestServer.start(managed.config().put("redis.tls.ca_file", "")))
        .hasMessageContaining("'redis.tls.ca_file'").hasMessageContaining("does not trust");
  }

  @Test
  void theProcessStopsWithOneLineSayingWhatToFixNotAStackTrace() throws Exception {
    ProcessBuilder builder = FlowcastProcess.java().redirectErrorStream(true);
    builder.environment().put("FLOWCAST_HTTP_PORT", String.valueOf(TestServer.freePort()));
    builder.environment().put("FLOWCAST_REDIS_URL", managed.url(WRONG));
    builder.environment().put("FLOWCAST_REDIS_TLS_CA_FILE", managed.certificates().caCert().toString());
    // a loaded machine may take seconds for the TLS handshake: the refusal, not a timeout, is under test
    // (a timeout would be "unreachable", and the default fallback would start on memory instead)
    builder.environment().put("FLOWCAST_REDIS_TIMEOUT_MS", "20000");
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the process did not stop within 60 s: "
          + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).isNotZero();
    assertThat(out).contains("FLOWCAST_REDIS_URL").contains("WRONGPASS").doesNotContain(WRONG)
        .doesNotContain("\tat ");
  }

  @Test
  void aClientCertificateIsPresentedWhenTheServerAsksForOne() throws Exception {
    try (RedisProcess strict = new RedisProcess().withTls(managed.certificates(), true).start();
         TestServer server = TestServer.start(new JsonObject().put("redis.url", strict.url())
             .put("redis.fallback", "none").put("redis.key_prefix", "fc-mtls:")
             .put("redis.tls.ca_file", managed.certificates().caCert().toString())
             .put("redis.tls.client_cert_file", managed.certificates().clientCert().toString())
             .put("redis.tls.client_key_file", managed.certificates().clientKey().toString()))) {
      String token = server.token("alice", "t-mtls", TestServer.RW);
      assertThat(server.api().create(token, new JsonObject().put("id", "wf")).getLong("version")).isEqualTo(1);
    }
  }
}
