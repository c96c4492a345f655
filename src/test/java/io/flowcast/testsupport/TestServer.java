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
    int port = freePort();
    // rate limits are off unless a test asks for them (tests publish thousands of events per subject)
    JsonObject config = new JsonObject().put("http.port", port).put("http.instances", 2)
        .put("ratelimit.enabled", false).mergeIn(overrides);
    Vertx vertx = Vertx.vertx();
    try {
      vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config)).await();
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

  /** Config overrides that put a server on the test Redis. */
  public static JsonObject onRedis() {
    return new JsonObject().put("redis.url", redisUrl()).put("redis.fallback", "none");
  }

  /** The PostgreSQL the test script provides ({@code FLOWCAST_TEST_PG_URL}). */
  public static String pgUrl() {
    String url = System.getenv("FLOWCAST_TEST_PG_URL");
    return url == null || url.isBlank() ? "postgresql://postgres@127.0.0.1:5432/test" : url;
  }

  /**
   * Config overrides for a server with persistence on a Redis database of the test's own (the write
   * buffer is one stream per database, so tests that flush must not share one).
   */
  public static JsonObject onRedisWithPg(int database) {
    return new JsonObject().put("redis.url", redisUrl().replaceFirst("/\\d+$", "") + "/" + database)
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
