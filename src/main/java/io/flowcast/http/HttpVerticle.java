package io.flowcast.http;

import io.flowcast.bus.BusClient;
import io.flowcast.auth.AuthHandler;
import io.flowcast.auth.JwtSupport;
import io.flowcast.auth.TokenAuthenticator;
import io.flowcast.bridge.EventBusBridge;
import io.flowcast.auth.RevokedSessions;
import io.flowcast.auth.VerifiedTokens;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.health.FlowcastMeters;
import io.flowcast.ratelimit.RateLimits;
import io.flowcast.workflow.IdempotencyRecords;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.flowcast.sse.FeedEndpoint;
import io.flowcast.sse.MultiStreamEndpoint;
import io.flowcast.sse.SseStream;
import io.flowcast.sse.StreamEndpoint;
import io.flowcast.sse.StreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The HTTP edge, one instance per event loop: routing, authentication, validation, the static dashboard
 * and SSE streams. It reaches the rest of Flowcast only through the event bus.
 */
public final class HttpVerticle extends VerticleBase {
  private final FlowcastConfig config;
  private final Supplier<JsonObject> readiness;
  private final FlowcastMeters meters;
  private final RevokedSessions revoked;
  private final RateLimits limits;
  private final IdempotencyRecords idempotency;
  private HttpServer server;
  private StreamRegistry registry;
  private EventBusBridge bridge;
  private final IntConsumer listening;

  /**
   * @param readiness what {@code /ready} reports about the backends (shared, read-only)
   * @param limits the instance's rate limits (shared by every HTTP verticle)
   * @param idempotency the backend's Idempotency-Key records
   */
  public HttpVerticle(FlowcastConfig config, Supplier<JsonObject> readiness, FlowcastMeters meters,
      RevokedSessions revoked, RateLimits limits, IdempotencyRecords idempotency, IntConsumer listening) {
    this.listening = listening;
    this.config = config;
    this.readiness = readiness;
    this.meters = meters;
    this.revoked = revoked;
    this.limits = limits;
    this.idempotency = idempotency;
  }

  @Override
  public Future<?> start() {
    JWTAuth jwt = JwtSupport.provider(vertx, config);
    BusClient bus = new BusClient(vertx, config.busTimeoutMs());
    registry = new StreamRegistry(vertx, bus, meters);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes());
    AuthHandler auth = new AuthHandler(new TokenAuthenticator(jwt, revoked, new VerifiedTokens()), false);

    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    router.get("/ready").handler(ctx -> {
      JsonObject report = readiness.get();
      ctx.response().setStatusCode(report.getBoolean("ready") ? 200 : 503);
      ctx.json(report);
    });
    router.get("/metrics").handler(PrometheusScrapingHandler.create((PrometheusMeterRegistry) meters.registry()));
    // no authentication: the document describes the API, it holds no data
    router.get(OpenApi.PATH).handler(OpenApi.handler());
    new AuthApi(bus).mount(router, body, limits.tokenEndpoint());
    // a reservation whose request never finished blocks its key until every wait of that request is over
    Idempotency keys = new Idempotency(idempotency, config.idempotencyTtlMs(),
        2 * config.busTimeoutMs() + config.redisTimeoutMs());
    new WorkflowApi(bus).mount(router, body, auth, limits, keys);
    new ReviewApi(bus).mount(router, body, auth, limits, keys);
    new ActionApi(bus).mount(router, body, auth, limits, keys);
    new OutputApi(bus).mount(router, body, auth, limits);
    new InterruptApi(bus).mount(router, body, auth, limits, keys);
    new SystemApi(bus).mount(router, auth, limits);
    new PresenceApi(bus).mount(router, body, auth, limits);
    TokenAuthenticator streamTokens = new TokenAuthenticator(jwt, revoked, null);
    AuthHandler streamAuth = new AuthHandler(streamTokens, config.queryTokenEnabled());
    SseStream.Settings sse = new SseStream.Settings(config.retryMs(), config.maxBacklogBytes(), config.replayBatch(),
        config.stallTimeoutMs());
    // bridge commands are many per connection, like API requests: their tokens are cached the same way
    bridge = new EventBusBridge(vertx, config, bus, registry,
        new TokenAuthenticator(jwt, revoked, new VerifiedTokens()), limits, sse);
    if (config.bridge().websocket()) {
      router.get(EventBusBridge.PATH).handler(bridge.webSocketEndpoint());
    }
    router.get(WorkflowApi.BASE + "/:id/stream").handler(streamAuth)
        .handler(new StreamEndpoint(vertx, registry, bus, sse, limits, config.presence().leaseMs()));
    router.get("/api/v1/stream").handler(streamAuth)
        .handler(new MultiStreamEndpoint(vertx, registry, bus, sse, limits, config.maxStreamWorkflows()));
    router.get("/api/v1/feed").handler(streamAuth).handler(new FeedEndpoint(vertx, registry, bus, sse, limits));
    router.route("/api/*").handler(ctx -> ctx.fail(404));
    // revalidated on every load, so a deploy is seen at once
    router.route().handler(StaticHandler.create("webroot").setCachingEnabled(false));
    Problems problems = new Problems(limits::clientAddress);
    router.route().failureHandler(problems);
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, problems.forStatus(status));
    }

    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.httpHost())
        .setPort(config.httpPort())
        .setCompressionSupported(false)
        // WebSockets only for the bridge, uncompressed (as the SSE streams): without compression no
        // WebSocket handler inspects every SSE write
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false)
        // room above bridge.max_frame_bytes, so the bridge itself refuses a larger frame with an err frame
        .setMaxWebSocketFrameSize(2 * config.bridge().maxFrameBytes())
        .setMaxWebSocketMessageSize(2 * config.bridge().maxFrameBytes())
        .setTcpNoDelay(true)
        // a connection with nothing read or written for this long closes: a half-sent request, or a
        // kept-alive one nobody uses; an SSE stream writes a heartbeat well within it
        .setIdleTimeout((int) config.idleTimeoutMs()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        // every response is written on its connection's event loop: Vert.x then writes straight to the
        // channel, without a per-connection outbound queue (4.7 KB each, most of an idle stream's memory)
        .setStrictThreadMode(true)
        // HTTP/1.1 only: browsers never speak cleartext HTTP/2 (TLS ends at the load balancer), an h2c
        // upgrade through a proxy is a known way to smuggle requests past it, and strict thread mode
        // covers HTTP/1 connections only
        .setHttp2ClearTextEnabled(false)
        // room for a multi-workflow stream's URL (up to sse.max_workflows_per_stream ids of 128 characters)
        .setMaxInitialLineLength(16 * 1024));
    return registry.start(config.heartbeatMs())
        .compose(v -> server.requestHandler(EdgeRefusals.requireHost(router))
            .invalidRequestHandler(EdgeRefusals::invalid).listen())
        .onSuccess(listened -> listening.accept(listened.actualPort()))
        .compose(v -> bridge.start());
  }

  @Override
  public Future<?> stop() {
    // stop accepting first, so a client whose stream ends below reconnects to another instance behind the
    // balancer rather than to this one; in-flight requests still get their answers
    Future<Void> shutdown = server == null ? Future.succeededFuture()
        : server.shutdown(config.shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
    Future<Void> bridgeStopped = bridge == null ? Future.succeededFuture() : bridge.stop();
    registry.closeAll();
    return Future.join(shutdown, bridgeStopped);
  }
}
