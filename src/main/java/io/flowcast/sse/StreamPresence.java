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
 * when the stream has opened, renewed every third of {@code presence.lease_ms} while it lives, dropped when
 * it ends, however it ends. If its instance dies, nothing renews it: it runs out, and the sweep of any
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

  /** The stream opened: join, and keep the lease running. */
  void start() {
    if (ended || started) {
      return;
    }
    started = true;
    renew();
    timer = vertx.setPeriodic(Math.max(1, leaseMs / 3), id -> renew());
  }

  /** The stream ended: leave (once; nothing when it never joined). */
  void end() {
    if (ended) {
      return;
    }
    ended = true;
    vertx.cancelTimer(timer);
    if (started) {
      pending.eventually(() -> bus.request(Addresses.PRESENCE_LEAVE, command())).onFailure(err ->
          log.debug("presence leave of {} failed ({}); its lease runs out", key.tag(), err.getMessage()));
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
