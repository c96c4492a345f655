package io.flowcast.config;

import io.flowcast.MainVerticle;
import io.flowcast.auth.JwtSupport;
import io.flowcast.bus.Addresses;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The effective configuration: defaults, file, deployment config and FLOWCAST_* environment, validated at start. */
class ConfigTest {
  private Vertx vertx;

  @BeforeEach
  void newVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() {
    vertx.close().await();
  }

  private static FlowcastConfig config(JsonObject overrides, Map<String, String> env) {
    return FlowcastConfig.from(ConfigLoader.load(overrides, env));
  }

  @Test
  void defaultsLoadFromTheShippedConfigJson() {
    FlowcastConfig config = config(new JsonObject(), Map.of());

    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.bodyLimitBytes()).isEqualTo(1_048_576L);
    assertThat(config.jwtIssuer()).isEqualTo("flowcast-dev");
    assertThat(config.jwtAudience()).isEqualTo("flowcast");
    assertThat(config.jwtSecret()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(config.queryTokenEnabled()).isTrue();
    assertThat(config.heartbeatMs()).isEqualTo(15_000L);
    assertThat(config.listDefaultLimit()).isEqualTo(50);
    assertThat(config.listMaxLimit()).isEqualTo(500);
    assertThat(config.instanceId()).as("a generated instance id when none is configured")
        .matches("[A-Za-z0-9._-]{1,64}");
  }

  @Test
  void envNameIsPrefixedUpperCaseWithUnderscores() {
    assertThat(ConfigLoader.envName("http.port")).isEqualTo("FLOWCAST_HTTP_PORT");
    assertThat(ConfigLoader.envName("http.body_limit_bytes")).isEqualTo("FLOWCAST_HTTP_BODY_LIMIT_BYTES");
    assertThat(ConfigLoader.envName("sse.query_token_enabled")).isEqualTo("FLOWCAST_SSE_QUERY_TOKEN_ENABLED");
  }

  @Test
  void envOverrideIsConvertedToTheTypeOfTheDefault() {
    FlowcastConfig config = config(new JsonObject(), Map.of(
        "FLOWCAST_HTTP_PORT", "9090",
        "FLOWCAST_SSE_QUERY_TOKEN_ENABLED", "false",
        "FLOWCAST_HTTP_BODY_LIMIT_BYTES", " 4096 ",
        "FLOWCAST_JWT_ISSUER", "issuer-from-env",
        "FLOWCAST_INSTANCE_ID", "node-7"));

    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.queryTokenEnabled()).isFalse();
    assertThat(config.bodyLimitBytes()).isEqualTo(4096L);
    assertThat(config.jwtIssuer()).isEqualTo("issuer-from-env");
    assertThat(config.instanceId()).isEqualTo("node-7");
  }

  @Test
  void envOverridesTheDeploymentConfig() {
    FlowcastConfig config = config(new JsonObject().put("http.port", 7000), Map.of("FLOWCAST_HTTP_PORT", "9090"));
    assertThat(config.httpPort()).isEqualTo(9090);
  }

  @Test
  void deploymentConfigOverridesDefaultsAndStringsAreConverted() {
    FlowcastConfig config = config(new JsonObject().put("http.port", "7001").put("sse.query_token_enabled", "FALSE")
        .put("sse.heartbeat_ms", 500), Map.of());
    assertThat(config.httpPort()).isEqualTo(7001);
    assertThat(config.queryTokenEnabled()).isFalse();
    assertThat(config.heartbeatMs()).isEqualTo(500L);
  }

  @Test
  void envUnrelatedToFlowcastIsIgnored() {
    FlowcastConfig config = config(new JsonObject(), Map.of("HTTP_PORT", "1", "FLOWCAST_NO_SUCH_KEY", "x"));
    assertThat(config.httpPort()).isEqualTo(8080);
  }

  @Test
  void nonNumericEnvPortFailsNamingKeyAndVariable() {
    Throwable failure = catchThrowable(() -> config(new JsonObject(), Map.of("FLOWCAST_HTTP_PORT", "abc")));
    assertThat(failure).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port").hasMessageContaining("FLOWCAST_HTTP_PORT");
  }

  @Test
  void outOfRangeEnvPortFailsNamingKeyAndVariable() {
    Throwable failure = catchThrowable(() -> config(new JsonObject(), Map.of("FLOWCAST_HTTP_PORT", "70000")));
    assertThat(failure).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port").hasMessageContaining("FLOWCAST_HTTP_PORT");
  }

  @Test
  void idempotencyTtlIsADayByDefaultAndABadOneFailsNamingKey() {
    assertThat(config(new JsonObject(), Map.of()).idempotencyTtlMs()).isEqualTo(86_400_000L);
    assertThat(config(new JsonObject(), Map.of("FLOWCAST_HTTP_IDEMPOTENCY_TTL_MS", "60000")).idempotencyTtlMs())
        .isEqualTo(60_000L);
    assertThatThrownBy(() -> config(new JsonObject().put("http.idempotency_ttl_ms", 0), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.idempotency_ttl_ms");
  }

  @Test
  void negativeEnvPortFailsNamingKey() {
    assertThatThrownBy(() -> config(new JsonObject(), Map.of("FLOWCAST_HTTP_PORT", "-1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
  }

  @Test
  void keyPrefixWithABraceOrSpaceFailsNamingKey() {
    assertThat(config(new JsonObject(), Map.of("FLOWCAST_REDIS_KEY_PREFIX", "staging:")).redisKeyPrefix())
        .isEqualTo("staging:");
    assertThatThrownBy(() -> config(new JsonObject().put("redis.key_prefix", "a{b}:"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("redis.key_prefix");
    assertThatThrownBy(() -> config(new JsonObject().put("redis.key_prefix", "my app:"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("redis.key_prefix");
  }

  @Test
  void nonBooleanEnvFlagFailsNamingKeyAndVariable() {
    assertThatThrownBy(() -> config(new JsonObject(), Map.of("FLOWCAST_SSE_QUERY_TOKEN_ENABLED", "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sse.query_token_enabled").hasMessageContaining("FLOWCAST_SSE_QUERY_TOKEN_ENABLED");
  }

  @Test
  void wrongJsonTypeInDeploymentConfigFailsNamingKey() {
    assertThatThrownBy(() -> config(new JsonObject().put("http.port", true), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
    assertThatThrownBy(() -> config(new JsonObject().put("http.port", 80.5), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
    assertThatThrownBy(() -> config(new JsonObject().put("sse.query_token_enabled", 1), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sse.query_token_enabled");
  }

  @Test
  void unknownKeyInDeploymentConfigFailsNamingIt() {
    assertThatThrownBy(() -> config(new JsonObject().put("http.prot", 9090), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.prot");
  }

  @Test
  void tooShortJwtSecretFailsNamingIt() {
    assertThatThrownBy(() -> config(new JsonObject().put("jwt.secret", "short-secret"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jwt.secret");
    assertThatThrownBy(() -> config(new JsonObject(), Map.of("FLOWCAST_JWT_SECRET", "x".repeat(31))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jwt.secret")
        .hasMessageContaining("FLOWCAST_JWT_SECRET");
  }

  @Test
  void jwtSecretOfThirtyTwoBytesIsAccepted() {
    assertThat(config(new JsonObject(), Map.of("FLOWCAST_JWT_SECRET", "x".repeat(32))).jwtSecret())
        .isEqualTo("x".repeat(32));
  }

  @Test
  void inconsistentLimitsFailNamingTheKey() {
    assertThatThrownBy(() -> config(new JsonObject().put("api.list_default_limit", 600), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("api.list_default_limit");
    assertThatThrownBy(() -> config(new JsonObject().put("workflow.default_ttl_seconds", 100)
        .put("workflow.max_ttl_seconds", 50), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("workflow.default_ttl_seconds");
  }

  @Test
  void malformedInstanceIdFailsNamingIt() {
    assertThatThrownBy(() -> config(new JsonObject(), Map.of("FLOWCAST_INSTANCE_ID", "node:1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("instance.id");
  }

  @Test
  void registryDefaultsAdvertiseTheHttpListenerAndRenewWellWithinTheTtl() {
    FlowcastConfig.Registry registry = config(new JsonObject().put("http.port", 9123), Map.of()).registry();

    assertThat(registry.heartbeatMs()).isEqualTo(5000L);
    assertThat(registry.ttlMs()).isEqualTo(15_000L);
    assertThat(registry.address()).isEqualTo("127.0.0.1:9123");
    assertThat(config(new JsonObject(), Map.of("FLOWCAST_INSTANCE_ADDRESS", "flowcast-2.internal:8080"))
        .registry().address()).isEqualTo("flowcast-2.internal:8080");
  }

  @Test
  void registryTtlNotAboveTheHeartbeatFailsNamingIt() {
    assertThatThrownBy(() -> config(new JsonObject().put("registry.heartbeat_ms", 5000).put("registry.ttl_ms", 5000),
        Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("registry.ttl_ms")
        .hasMessageContaining("registry.heartbeat_ms");
    assertThatThrownBy(() -> config(new JsonObject(), Map.of("FLOWCAST_REGISTRY_HEARTBEAT_MS", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("registry.heartbeat_ms");
  }

  @Test
  void instanceAddressWithASpaceFailsNamingIt() {
    assertThatThrownBy(() -> config(new JsonObject().put("instance.address", "host name:80"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("instance.address");
  }

  @Test
  void configFileNamedByEnvSitsBetweenDefaultsAndDeploymentConfig(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("flowcast.json");
    Files.writeString(file, new JsonObject().put("http.port", 7100).put("sse.retry_ms", 1234).encode());
    FlowcastConfig config = config(new JsonObject().put("http.port", 7200),
        Map.of("FLOWCAST_CONFIG", file.toString()));
    assertThat(config.retryMs()).as("from the file").isEqualTo(1234L);
    assertThat(config.httpPort()).as("deployment config wins over the file").isEqualTo(7200);
  }

  @Test
  void unknownKeyInConfigFileFailsNamingIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("flowcast.json");
    Files.writeString(file, new JsonObject().put("redis.urll", "redis://x").encode());
    assertThatThrownBy(() -> config(new JsonObject(), Map.of("FLOWCAST_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("redis.urll");
  }

  @Test
  void unreadableConfigFileFailsNamingTheVariable(@TempDir Path dir) {
    Path missing = dir.resolve("missing.json");
    assertThatThrownBy(() -> config(new JsonObject(), Map.of("FLOWCAST_CONFIG", missing.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("FLOWCAST_CONFIG");
  }

  @Test
  void mainVerticleWithTooShortSecretFailsDeploymentAndListensNowhere() {
    int port = TestServer.freePort();
    JsonObject bad = new JsonObject().put("http.port", port).put("jwt.secret", "short");

    Throwable failure = catchThrowable(() -> deploy(bad));

    assertThat(failure).isInstanceOf(ConfigException.class).hasMessageContaining("jwt.secret");
    assertNothingLeft(port);
  }

  @Test
  void mainVerticleWithUnknownKeyFailsDeploymentAndListensNowhere() {
    int port = TestServer.freePort();
    JsonObject bad = new JsonObject().put("http.port", port).put("http.prot", port);

    Throwable failure = catchThrowable(() -> deploy(bad));

    assertThat(failure).isInstanceOf(ConfigException.class).hasMessageContaining("http.prot");
    assertNothingLeft(port);
  }

  @Test
  void mainVerticleOnAPortInUseFailsDeploymentAndLeavesNoVerticleBehind() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = taken.getLocalPort();

      Throwable failure = catchThrowable(() -> deploy(new JsonObject().put("http.port", port)
          .put("http.instances", 2)));

      assertThat(failure).as("deployment must fail").isNotNull();
      assertNoVerticleOrConsumerLeft();
    }
  }

  private void deploy(JsonObject config) {
    vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config)).await();
  }

  private void assertNothingLeft(int port) {
    assertThat(listening(port)).as("nothing listens on port " + port).isFalse();
    assertNoVerticleOrConsumerLeft();
  }

  private void assertNoVerticleOrConsumerLeft() {
    assertThat(vertx.deploymentIDs()).as("no verticle stays deployed (workflow, fan-out, HTTP)").isEmpty();
    Throwable drain = catchThrowable(() -> vertx.eventBus()
        .request(Addresses.LIFECYCLE_DRAIN, null, new DeliveryOptions().setSendTimeout(2000)).await());
    assertThat(drain).as("no lifecycle consumer left registered").isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) drain).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void unknownFlowcastVariablesAreNamedWithTheClosestSetting() {
    assertThat(ConfigLoader.unknownVariables(Map.of("FLOWCAST_HTTP_PROT", "1", "FLOWCAST_HTTP_PORT", "2",
        "FLOWCAST_CONFIG", "x.json", "FLOWCAST_TEST_REDIS_URL", "redis://", "PATH", "/bin")))
        .containsExactly("FLOWCAST_HTTP_PROT names no setting and is ignored; did you mean FLOWCAST_HTTP_PORT?");
    assertThat(ConfigLoader.distance("kitten", "sitting")).isEqualTo(3);
  }

  @Test
  void aBadValueInAConfigFileIsNamedByTheFileNotTheVariable() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("flowcast-config", ".json");
    try {
      java.nio.file.Files.writeString(file, "{\"http.port\": \"abc\"}");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> FlowcastConfig.from(ConfigLoader.load(new JsonObject(),
              Map.of("FLOWCAST_CONFIG", file.toString()))))
          .isInstanceOf(ConfigException.class)
          .hasMessage("invalid configuration 'http.port' (file " + file + "): expected an integer, got 'abc'");
      java.nio.file.Files.writeString(file, "{\"http.port\": true}");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> FlowcastConfig.from(ConfigLoader.load(new JsonObject(),
              Map.of("FLOWCAST_CONFIG", file.toString()))))
          .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
    } finally {
      java.nio.file.Files.delete(file);
    }
  }

  @Test
  void aValueFoundBadAfterTheMergeIsNamedWhereItWasSet(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("flowcast.json");
    Files.writeString(file, new JsonObject().put("http.port", 70000).put("workflow.default_ttl_seconds", 90000)
        .put("workflow.max_ttl_seconds", 60000).put("jwt.jwks_url", "file:///etc/keys.json").encode());
    Map<String, String> env = Map.of("FLOWCAST_CONFIG", file.toString());

    // a range checked on the merged whole: the file and its key, not the environment variable
    assertThatThrownBy(() -> ConfigLoader.config(new JsonObject(), env)).isInstanceOf(ConfigException.class)
        .hasMessage("invalid configuration 'http.port' (file " + file + "): must be between 0 and 65535, got 70000");
    // the deployment config over the file, the environment over both: each named as the value's origin
    assertThatThrownBy(() -> ConfigLoader.config(new JsonObject().put("http.port", 70001), env))
        .hasMessage("invalid configuration 'http.port' (deployment config): must be between 0 and 65535, got 70001");
    Map<String, String> withVariable = Map.of("FLOWCAST_CONFIG", file.toString(), "FLOWCAST_HTTP_PORT", "70002");
    assertThatThrownBy(() -> ConfigLoader.config(new JsonObject(), withVariable))
        .hasMessage("invalid configuration 'http.port' (env FLOWCAST_HTTP_PORT): must be between 0 and 65535, got 70002");
    // a check across keys names the key it is about where that was set
    JsonObject port = new JsonObject().put("http.port", 7100);
    assertThatThrownBy(() -> ConfigLoader.config(port, env))
        .hasMessage("invalid configuration 'workflow.default_ttl_seconds' (file " + file + "): exceeds "
            + "workflow.max_ttl_seconds");
    // and so do the checks made when the token verifier is built
    JsonObject ttls = port.copy().put("workflow.default_ttl_seconds", 600);
    assertThatThrownBy(() -> ConfigLoader.config(ttls, env, c -> JwtSupport.provider(vertx, c)))
        .hasMessageStartingWith("invalid configuration 'jwt.jwks_url' (file " + file + "): ");
    // a key set nowhere is named by its variable, where one sets it
    assertThatThrownBy(() -> ConfigLoader.config(new JsonObject().put("registry.heartbeat_ms", 20000), Map.of()))
        .hasMessageStartingWith("invalid configuration 'registry.ttl_ms' (env FLOWCAST_REGISTRY_TTL_MS): ");
  }
}
