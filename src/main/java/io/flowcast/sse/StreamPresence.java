package io.flowcast.sse;

import io.flowcast.auth.Caller;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.BusClient;
import io.flowcast.presence.PresenceRules;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * The presence lease of one stream opened with {@code ?presence=<status>} (docs/API.md, "Presence"): set
 * before the stream opens (its first frame comes after the join), renewed every third of
 * {@code presence.lease_ms} while it lives, dropped when it ends, however it ends. If its instance dies, nothing renews it: it runs out, and the sweep of any
 * instance records the leave.
 */
final class StreamPresence {
  private static final Logger log = LoggerFactory.getLogger(StreamPresence.class);

  private final Vertx vertx;
  private final BusClient bus;
  private final Caller caller;
  private final WorkflowKey key;
  private final String status;
  private final long leaseMs;
  /** This stream's own lease holder: a subject's streams are leases of their own. */
  private final String holder = "s-" + UUID.randomUUID();
  private long timer = -1;
  /** The last renewal sent: the leave goes after it, so it never overtakes it. */
  private io.vertx.core.Future<?> pending = io.vertx.core.Future.succeededFuture();
  private boolean started;
  private boolean ended;

  private StreamPresence(Vertx vertx, BusClient bus, Caller caller, WorkflowKey key, String status, long leaseMs) {
    this.vertx = vertx;
    this.bus = bus;
    this.caller = caller;
    this.key = key;
    this.status = status;
    this.leaseMs = leaseMs;
  }

  /**
   * The lease a stream request asks for with {@code ?presence} (empty: present without a status), or null
   * without the parameter; a status that is not an identifier is a 400.
   */
  static StreamPresence of(RoutingContext ctx, Vertx vertx, BusClient bus, Caller caller, WorkflowKey key,
      long leaseMs) {
    var values = ctx.queryParam("presence");
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiException.badRequest("give presence once");
    }
    return new StreamPresence(vertx, bus, caller, key, PresenceRules.status(values.get(0)), leaseMs);
  }

  /**
   * Joins, and keeps the lease running; completes when the join is recorded, so the stream opens (and its
   * client sees it open) only once the caller is listed.
   */
  io.vertx.core.Future<?> start() {
    if (ended || started) {
      return io.vertx.core.Future.succeededFuture();
    }
    started = true;
    renew();
    timer = vertx.setPeriodic(Math.max(1, leaseMs / 3), id -> renew());
    return pending;
  }

  /**
   * The stream ended: leave (once; nothing when it never joined). A graceful shutdown waits for the leave
   * ({@link StreamRegistry#ending}).
   */
  void end(StreamRegistry registry) {
    if (ended) {
      return;
    }
    ended = true;
    vertx.cancelTimer(timer);
    if (started) {
      registry.ending(pending.eventually(() -> bus.request(Addresses.PRESENCE_LEAVE, command())).onFailure(err ->
          log.debug("presence leave of {} failed ({}); its lease runs out", key.tag(), err.getMessage())));
    }
  }

  private void renew() {
    JsonObject body = new JsonObject().put("status", status);
    pending = bus.request(Addresses.PRESENCE_SET, command().put("body", body)).onFailure(err ->
        log.debug("presence renewal of {} failed: {}", key.tag(), err.getMessage()));
  }

  private JsonObject command() {
    return new JsonObject().put("tenant", key.tenant()).put("id", key.id()).put("actor", caller.subject())
        .put("holder", holder);
  }
}
