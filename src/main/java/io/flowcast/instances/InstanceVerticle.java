package io.flowcast.instances;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.Commands;
import io.flowcast.health.FlowcastMeters;
import io.flowcast.workflow.Times;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * Keeps this instance's record in the registry: written at start, renewed every heartbeat with its
 * current figures, removed on a graceful stop (a killed instance's record runs out by its TTL). Answers
 * {@link Addresses#SYSTEM_INSTANCES} with the live instances.
 */
public final class InstanceVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(InstanceVerticle.class);

  /** @param persistence whether a flusher runs here (else the record's flush backlog is null) */
  public record Settings(String id, String address, long heartbeatMs, long ttlMs, boolean persistence) {
  }

  private final Settings settings;
  private final InstanceRegistry registry;
  private final FlowcastMeters meters;
  private final Clock clock;
  private final DeliveryRate rate;
  private String startedAt;
  private long timer = -1;
  private Future<Void> inFlight = Future.succeededFuture();
  private boolean stopping;
  private boolean failing;

  public InstanceVerticle(Settings settings, InstanceRegistry registry, FlowcastMeters meters, Clock clock) {
    this.settings = settings;
    this.registry = registry;
    this.meters = meters;
    this.clock = clock;
    this.rate = new DeliveryRate(meters::deliveredTotal);
  }

  @Override
  public Future<?> start() {
    startedAt = Times.format(Times.now(clock));
    Commands.serve(vertx, Addresses.SYSTEM_INSTANCES, log, body -> registry.live().map(records -> {
      JsonArray instances = new JsonArray();
      records.forEach(r -> instances.add(r.toJson()));
      return new JsonObject().put("instances", instances);
    }));
    timer = vertx.setPeriodic(settings.heartbeatMs(), id -> beat());
    // listed from the start; a registry that does not answer yet does not stop the instance
    return beat().recover(err -> Future.succeededFuture());
  }

  /** One renewal at a time: a renewal still in flight (a slow Redis) makes this heartbeat a no-op. */
  private Future<Void> beat() {
    if (stopping || !inFlight.isComplete()) {
      return inFlight;
    }
    inFlight = registry.beat(record(), settings.ttlMs())
        .onSuccess(v -> {
          if (failing) {
            failing = false;
            log.info("instance registry: record of {} renewed again", settings.id());
          }
        })
        .onFailure(err -> {
          if (!failing) {
            failing = true;
            log.warn("instance registry: cannot renew the record of {} ({}); retrying every heartbeat",
                settings.id(), err.getMessage());
          }
        });
    return inFlight;
  }

  private InstanceRecord record() {
    return new InstanceRecord(settings.id(), BuildVersion.get(), startedAt, Times.format(Times.now(clock)),
        settings.address(), meters.openStreams(), rate.perSecond(),
        settings.persistence() ? meters.flushBacklog() : null);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    // after the renewal in flight, so that it cannot write the record again once it is gone
    return inFlight.eventually(() -> registry.leave(settings.id()))
        .onSuccess(v -> log.info("instance registry: {} left", settings.id()))
        .recover(err -> {
          log.warn("instance registry: cannot remove the record of {} ({}); it runs out within {} ms",
              settings.id(), err.getMessage(), settings.ttlMs());
          return Future.succeededFuture();
        });
  }
}
