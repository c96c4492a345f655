package io.flowcast.testsupport;

import io.flowcast.MainVerticle;
import io.flowcast.auth.JwtSupport;
import io.flowcast.config.ConfigLoader;
import io.flowcast.config.FlowcastConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/** A Flowcast server started in its own Vertx on a free port, as a client sees it: over real HTTP. */
public final class TestServer implements AutoCloseable {
  public static final String RW = "workflows:read workflows:write";

  private final Vertx vertx;
  private final int port;
  private final FlowcastConfig config;
  private final JWTAuth jwt;
  private final Api api;

  private TestServer(Vertx vertx, int port, FlowcastConfig config) {
    this.vertx = vertx;
    this.port = port;
    this.config = config;
    this.jwt = JwtSupport.provider(vertx, config);
    this.api = new Api(vertx, port);
  }

  public static TestServer start() {
    return start(new JsonObject());
  }

  /** Starts a server with the defaults of conf/config.json overridden by {@code overrides}. */
  public static TestServer start(JsonObject overrides) {
    return start(overrides, java.time.Clock.systemUTC());
  }

  /**
   * The same on {@code clock} (a {@link TestClock} to move time): timestamps, TTLs and leases of the
   * in-process backend, and the expiry sweep, read it. (Token expiry and Redis's own TTLs do not.)
   */
  public static TestServer start(JsonObject overrides, java.time.Clock clock) {
    int port = freePort();
    // rate limits are off unless a test asks for them (tests publish thousands of events per subject), and
    // so is the start-up warm-up (WarmupTest asks for it): tests count what they write
    JsonObject config = new JsonObject().put("http.port", port).put("http.instances", 2)
        .put("ratelimit.enabled", false).put("startup.warmup", 0).mergeIn(overrides);
    Vertx vertx = Vertx.vertx();
    try {
      vertx.deployVerticle(new MainVerticle(clock), new DeploymentOptions().setConfig(config)).await();
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
    return new TestServer(vertx, port, FlowcastConfig.from(ConfigLoader.load(config, Map.of())));
  }

  public Vertx vertx() {
    return vertx;
  }

  public int port() {
    return port;
  }

  public Api api() {
    return api;
  }

  public FlowcastConfig config() {
    return config;
  }

  public String token(String subject, String tenant, String scope) {
    return JwtSupport.mint(jwt, config, subject, tenant, scope, 3600);
  }

  public String token(String subject, String tenant, String scope, int ttlSeconds) {
    return JwtSupport.mint(jwt, config, subject, tenant, scope, ttlSeconds);
  }

  /** A read-write token signed with the default configuration's secret (for servers started as processes). */
  public static String defaultToken(Vertx vertx, String subject, String tenant) {
    FlowcastConfig defaults = FlowcastConfig.from(ConfigLoader.load(new JsonObject(), Map.of()));
    return JwtSupport.mint(JwtSupport.provider(vertx, defaults), defaults, subject, tenant, RW, 3600);
  }

  public SseClient stream(String path, String token, String lastEventId) {
    return SseClient.open(vertx, port, path, token, lastEventId);
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  /** The Redis the test script provides ({@code FLOWCAST_TEST_REDIS_URL}). */
  public static String redisUrl() {
    String url = System.getenv("FLOWCAST_TEST_REDIS_URL");
    return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url;
  }

  /**
   * The key prefix of this test run in the developer's Redis: every server a test starts on Redis writes
   * under it (tests keep apart by tenant), and {@link TestRunKeys} removes them when the run ends.
   */
  public static final String RUN_PREFIX = "fctest-" + java.util.UUID.randomUUID().toString().substring(0, 8) + ":";

  /** A key prefix of the test class's own, under the run's (for a write buffer that no other class shares). */
  public static String keyPrefix(Class<?> testClass) {
    return RUN_PREFIX + testClass.getSimpleName() + ":";
  }

  /** Config overrides that put a server on the test Redis, under the run's key prefix. */
  /**
   * The overrides of a server on the shared private Redis Cluster ({@link RedisCluster#shared()}, started on
   * first use), under the run's key prefix.
   */
  public static JsonObject onCluster() {
    try {
      return onRedis().put("redis.type", "cluster").put("redis.url", RedisCluster.shared().urls());
    } catch (Exception e) {
      throw new IllegalStateException("no Redis Cluster for the test", e);
    }
  }

  public static JsonObject onRedis() {
    return new JsonObject().put("redis.url", redisUrl()).put("redis.fallback", "none")
        .put("redis.key_prefix", RUN_PREFIX);
  }

  /** The PostgreSQL the test script provides ({@code FLOWCAST_TEST_PG_URL}). */
  public static String pgUrl() {
    return RunDatabase.url();
  }

  /** The PostgreSQL server the test script provides, with the database it names (tests never write there). */
  static String basePgUrl() {
    String url = System.getenv("FLOWCAST_TEST_PG_URL");
    return url == null || url.isBlank() ? "postgresql://postgres@127.0.0.1:5432/test" : url;
  }

  /**
   * Config overrides for a server with persistence under a key prefix of the test's own (the write
   * buffer is one stream per prefix, so tests that flush must not share one): see {@link #keyPrefix}.
   */
  public static JsonObject onRedisWithPg(String keyPrefix) {
    return new JsonObject().put("redis.url", redisUrl()).put("redis.key_prefix", keyPrefix)
        .put("redis.fallback", "none").put("pg.url", pgUrl()).put("flush.interval_ms", 200)
        .put("flush.claim_idle_ms", 1000);
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
