package io.flowcast.testsupport;

import io.flowcast.config.FlowcastConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.Supplier;

/**
 * One {@link TestServer} for a whole test class:
 * {@code @RegisterExtension static final StartedServer server = StartedServer.inMemory();} starts it before
 * the class's {@code @BeforeAll} methods (which may already use it) and closes it after its
 * {@code @AfterAll} methods. A class with {@link Databases} registered too orders the two
 * ({@code @Order(1)} the databases, {@code @Order(2)} the server), so that its keys are removed before the
 * server writes any and after it stopped (the write buffer's consumer group among them).
 */
public final class StartedServer implements BeforeAllCallback, AfterAllCallback, Supplier<TestServer> {
  private final JsonObject overrides;
  private final java.time.Clock clock;
  private TestServer server;

  private StartedServer(JsonObject overrides, java.time.Clock clock) {
    this.overrides = overrides.copy();
    this.clock = clock;
  }

  /** A server on the defaults: the in-process store, no Redis. */
  public static StartedServer inMemory() {
    return with(new JsonObject());
  }

  /** A server with the defaults overridden by {@code overrides} (see {@link TestServer#start(JsonObject)}). */
  public static StartedServer with(JsonObject overrides) {
    return with(overrides, java.time.Clock.systemUTC());
  }

  /** The same on {@code clock} (a {@link TestClock} the test moves; see {@link TestServer#start(JsonObject, java.time.Clock)}). */
  public static StartedServer with(JsonObject overrides, java.time.Clock clock) {
    return new StartedServer(overrides, clock);
  }

  /** A server on the test Redis, under the run's key prefix ({@link TestServer#onRedis()}). */
  public static StartedServer onRedis() {
    return with(TestServer.onRedis());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = TestServer.start(overrides, clock);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** The started server, for code that takes a {@link TestServer}. */
  @Override
  public TestServer get() {
    if (server == null) {
      // a non-static field is registered after the class callbacks ran: nothing would start it
      throw new IllegalStateException("no server started: register StartedServer on a static field");
    }
    return server;
  }

  public Api api() {
    return get().api();
  }

  public String token(String subject, String tenant, String scope) {
    return get().token(subject, tenant, scope);
  }

  public String token(String subject, String tenant, String scope, int ttlSeconds) {
    return get().token(subject, tenant, scope, ttlSeconds);
  }

  public SseClient stream(String path, String token, String lastEventId) {
    return get().stream(path, token, lastEventId);
  }

  public int port() {
    return get().port();
  }

  public Vertx vertx() {
    return get().vertx();
  }

  public FlowcastConfig config() {
    return get().config();
  }
}
