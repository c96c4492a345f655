package io.flowcast;

import io.flowcast.actions.ActionCommands;
import io.flowcast.interrupts.InterruptCommands;
import io.flowcast.auth.AuthVerticle;
import io.flowcast.auth.JwtSupport;
import io.flowcast.backend.Backend;
import io.flowcast.auth.RefreshTokens;
import io.flowcast.auth.RevokedSessions;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.EventDelivery;
import io.flowcast.bus.FeedChange;
import io.flowcast.config.ConfigLoader;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.flush.FlushVerticle;
import io.flowcast.flush.PgWriter;
import io.flowcast.fanout.FanoutVerticle;
import io.flowcast.health.FlowcastMeters;
import io.flowcast.health.Metrics;
import io.flowcast.health.Readiness;
import io.flowcast.instances.InstanceVerticle;
import io.flowcast.http.HttpVerticle;
import io.flowcast.ratelimit.RateLimits;
import io.flowcast.redis.RedisKeys;
import io.flowcast.review.DraftCommands;
import io.flowcast.review.Drafts;
import io.flowcast.review.Sections;
import io.flowcast.snapshot.SnapshotCommands;
import io.flowcast.outputs.OutputCommands;
import io.flowcast.snapshot.Snapshots;
import io.flowcast.snapshot.TimeTravel;
import io.flowcast.snapshot.Forks;
import io.flowcast.presence.PresenceCommands;
import io.flowcast.startup.Warmup;
import io.flowcast.startup.WarmupCleanup;
import io.flowcast.workflow.Feature;
import io.flowcast.workflow.WorkflowVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;


/**
 * Loads and validates the configuration, chooses the backends ({@link Backends}), then deploys the
 * verticles in order: workflow (owns state), fan-out (carries events), auth (token service), flush
 * (with PostgreSQL), instance (this instance's record in the registry), HTTP (the edge, one per event
 * loop). On shutdown the HTTP side goes first, see {@link FlowcastHooks}.
 */
public final class MainVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MainVerticle.class);

  private FlowcastConfig config;
  private final Readiness readiness = new Readiness();
  private FlowcastMeters meters;
  private String httpDeployment;
  private MessageConsumer<Object> drainConsumer;
  private RateLimits limits;
  private Backends backends;
  private final AtomicInteger port = new AtomicInteger();
  private static final String WARMUP = "warmup";

  private final RevokedSessions revokedSessions = new RevokedSessions();
  private final Clock clock;

  public MainVerticle() {
    this(Clock.systemUTC());
  }

  /** @param clock the time every timestamp, TTL and lease of the in-process backends is read from (tests move it) */
  public MainVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    // the token verifier's keys are checked here too, so a bad one is named by where it was set
    config = ConfigLoader.config(config(), System.getenv(), c -> JwtSupport.provider(vertx, c));
    ConfigLoader.unknownVariables(System.getenv()).forEach(log::warn);
    meters = new FlowcastMeters(Metrics.registry());
    readiness.fact("instance", config.instanceId()).fact("persistence", "off");
    // review records which sections a state change changed, with every change, on either backend
    backends = new Backends(vertx, config, readiness, meters, Sections.HOOK, clock);
    EventDelivery.register(vertx);
    FeedChange.register(vertx);
    int httpInstances = config.httpInstances() == 0
        ? Math.max(1, Runtime.getRuntime().availableProcessors()) : config.httpInstances();
    if (config.startupWarmup() > 0) {
      readiness.down(WARMUP, "the hot paths are warmed up before the instance takes users (startup.warmup)");
    }
    drainConsumer = vertx.eventBus().consumer(Addresses.LIFECYCLE_DRAIN,
        m -> stopHttp().onComplete(ar -> m.reply(null)));

    return backends.choose()
        .compose(backend -> vertx.deployVerticle(new WorkflowVerticle(config, backend.store(), backend.persistence(),
                meters, features(backend), clock))
            .compose(id -> vertx.deployVerticle(new FanoutVerticle(backend.transport())))
            .compose(id -> watchRevocations(backend.refreshTokens()))
            .compose(id -> vertx.deployVerticle(new AuthVerticle(config, backend.refreshTokens(), backends.pg(),
                revokedSessions, readiness::fact)))
            .compose(id -> backend.persistence() ? vertx.deployVerticle(new FlushVerticle(
                new FlushVerticle.Settings(config.instanceId(), config.flushIntervalMs(), config.flushBatchSize(),
                    config.flushClaimIdleMs(), config.flushDrainTimeoutMs(), config.redisTimeoutMs(),
                    new RedisKeys(config.redisKeyPrefix(), config.redisShards())),
                backends.redis(), new PgWriter(backends.pg(), config.pgTimeoutMs()), readiness, meters))
                : Future.succeededFuture(id))
            .compose(id -> vertx.deployVerticle(new InstanceVerticle(new InstanceVerticle.Settings(config.instanceId(),
                config.registry().address(), config.registry().heartbeatMs(), config.registry().ttlMs(),
                backend.persistence()), backend.instances(), meters, clock)))
            .compose(id -> {
              // shared through Redis when this instance runs on it, else held in this process
              limits = RateLimits.create(vertx, config, backends.redis(), readiness);
              return vertx.deployVerticle(() -> new HttpVerticle(config, readiness::toJson, meters, revokedSessions,
                  limits, backend.idempotency(), port::set), new DeploymentOptions().setInstances(httpInstances));
            })
            .onSuccess(id -> {
              httpDeployment = id;
              log.info("Flowcast {} listening on {}:{} ({} HTTP verticles, {} sockets); backend {}, transport {}, "
                      + "persistence {}", config.instanceId(), config.httpHost(), config.httpPort(),
                  httpInstances, vertx.isNativeTransportEnabled() ? "epoll" : "NIO", backend.store().name(),
                  backend.transport().name(),
                  backend.persistence() ? config.persistenceMode() : "off");
              FlowcastConfig.Bridge bridge = config.bridge();
              log.info("event-bus bridge: TCP {}, WebSocket {}",
                  bridge.tcp() ? bridge.tcpHost() + ":" + bridge.tcpPort() + (bridge.tls() ? " (TLS)" : "")
                      : "off (bridge.tcp.port)",
                  bridge.websocket() ? "at /api/v1/bus" : "off");
              if (config.startupWarmup() > 0) {
                warmUp(port.get());
              }
            }));
  }

  /**
   * Once every other check is up (Redis answers, the schema is migrated), runs the warm-up, then turns
   * {@code /ready} to 200 whatever it found (a warm-up that fails leaves a colder instance, not a dead one).
   */
  private void warmUp(int port) {
    if (readiness.draining()) {
      return;
    }
    if (!readiness.upExcept(WARMUP)) {
      vertx.setTimer(100, id -> warmUp(port));
      return;
    }
    readiness.down(WARMUP, "warming up: " + config.startupWarmup() + " operations in the scratch tenant "
        + Warmup.TENANT);
    Warmup warmup = new Warmup(vertx, config, port);
    warmup.run(config.startupWarmup(), config.startupWarmupMaxMs())
        .compose(result -> WarmupCleanup.start(vertx, backends.redis(),
                new RedisKeys(config.redisKeyPrefix(), config.redisShards()).tenantIndex(Warmup.TENANT), backends.pg(),
                warmup.idPrefix(),
                result.sessions())
            .map(result))
        .onSuccess(result -> {
          readiness.up(WARMUP, "warmed up: " + result);
          readiness.fact(WARMUP, result.toJson());
        });
  }

  /** The features kept beside workflows, built on the backend's parts. */
  private List<Feature> features(Backend backend) {
    FlowcastConfig.Features limits = config.features();
    TimeTravel travel = new TimeTravel(backend.sides(), backend.store(), backend.archive().orElse(null));
    return List.of(
        new DraftCommands(new Drafts(backend.sides(), limits.draftMaxRevisions(), clock)),
        new SnapshotCommands(new Snapshots(backend.sides(), backend.store(), backend.archive().orElse(null),
            limits.snapshotsMax(), clock)),
        new ActionCommands(backend.actions(), config),
        new InterruptCommands(backend.interrupts(), clock),
        travel,
        new Forks(travel, backend.store()),
        new PresenceCommands(backend.presence(), config.presence(), clock),
        new OutputCommands(backend.outputs(), config.outputs()));
  }

  /** Revoked sessions: those recorded before this instance started, then every announcement. */
  private Future<String> watchRevocations(RefreshTokens refreshTokens) {
    vertx.eventBus().<JsonObject>consumer(Addresses.SESSION_REVOKED,
        m -> revokedSessions.add(m.body().getString("sid"), m.body().getLong("until")));
    return refreshTokens.revokedSessions().onSuccess(revokedSessions::addAll)
        .recover(err -> {
          log.warn("cannot read revoked sessions at start ({}); only new revocations are known", err.getMessage());
          return Future.succeededFuture();
        }).map("revocations");
  }

  /** Stops taking requests and ends every SSE stream cleanly; idempotent. */
  Future<Void> stopHttp() {
    String id = httpDeployment;
    httpDeployment = null;
    if (id == null) {
      return Future.succeededFuture();
    }
    readiness.drain();
    long linger = config.drainMs();
    if (linger > 0) {
      log.info("draining: /ready answers 503 from now on; requests are served for {} ms more", linger);
    }
    return (linger > 0 ? vertx.timer(linger, TimeUnit.MILLISECONDS).<Void>mapEmpty() : Future.<Void>succeededFuture())
        .compose(v -> {
          log.info("stopping the HTTP side: no new connections, open streams end");
          return vertx.undeploy(id);
        });
  }

  @Override
  public Future<?> stop() {
    if (limits != null) {
      limits.close();
    }
    if (drainConsumer != null) {
      drainConsumer.unregister();
    }
    // child verticles are already undeployed by now (see FlowcastHooks for the orderly path)
    return backends == null ? Future.succeededFuture() : backends.close();
  }
}
