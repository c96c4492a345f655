package io.flowcast.http;

import io.flowcast.bus.BusClient;
import io.flowcast.auth.AuthHandler;
import io.flowcast.auth.JwtSupport;
import io.flowcast.auth.RevokedSessions;
import io.flowcast.auth.VerifiedTokens;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.health.FlowcastMeters;
import io.flowcast.ratelimit.RateLimits;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.PrometheusScrapingHandler;
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
  private HttpServer server;
  private StreamRegistry registry;
  private final IntConsumer listening;

  /**
   * @param readiness what {@code /ready} reports about the backends (shared, read-only)
   * @param limits the instance's rate limits (shared by every HTTP verticle)
   */
  public HttpVerticle(FlowcastConfig config, Supplier<JsonObject> readiness, FlowcastMeters meters,
      RevokedSessions revoked, RateLimits limits) {
    this(config, readiness, meters, revoked, limits, port -> { });
  }

  /** @param listening told the port the server listens on (the actual one when {@code http.port} is 0) */
  public HttpVerticle(FlowcastConfig config, Supplier<JsonObject> readiness, FlowcastMeters meters,
      RevokedSessions revoked, RateLimits limits, IntConsumer listening) {
    this.listening = listening;
    this.config = config;
    this.readiness = readiness;
    this.meters = meters;
    this.revoked = revoked;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    JWTAuth jwt = JwtSupport.provider(vertx, config);
    BusClient bus = new BusClient(vertx, config.busTimeoutMs());
    registry = new StreamRegistry(vertx, bus, meters);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes());
    AuthHandler auth = new AuthHandler(jwt, false, revoked, new VerifiedTokens());

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
    new WorkflowApi(bus).mount(router, body, auth, limits);
    new ReviewApi(bus).mount(router, body, auth, limits);
    new ActionApi(bus).mount(router, body, auth, limits);
    new SystemApi(bus).mount(router, auth, limits);
    AuthHandler streamAuth = new AuthHandler(jwt, config.queryTokenEnabled(), revoked, null);
    SseStream.Settings sse = new SseStream.Settings(config.retryMs(), config.maxBacklogBytes(), config.replayBatch(),
        config.stallTimeoutMs());
    router.get(WorkflowApi.BASE + "/:id/stream").handler(streamAuth)
        .handler(new StreamEndpoint(vertx, registry, bus, sse, limits));
    router.get("/api/v1/stream").handler(streamAuth)
        .handler(new MultiStreamEndpoint(vertx, registry, bus, sse, limits, config.maxStreamWorkflows()));
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
        // no WebSockets here: without these, no WebSocket handler inspects every SSE write
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false)
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
        .onSuccess(listened -> listening.accept(listened.actualPort()));
  }

  @Override
  public Future<?> stop() {
    // stop accepting first, so a client whose stream ends below reconnects to another instance behind the
    // balancer rather than to this one; in-flight requests still get their answers
    Future<Void> shutdown = server == null ? Future.succeededFuture()
        : server.shutdown(config.shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
    registry.closeAll();
    return shutdown;
  }
}
