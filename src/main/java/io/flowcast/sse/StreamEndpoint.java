package io.flowcast.sse;

import io.flowcast.auth.AuthHandler;
import io.flowcast.auth.Caller;
import io.flowcast.bus.ApiException;
import io.flowcast.http.BusClient;
import io.flowcast.ratelimit.RateLimits;
import io.flowcast.workflow.Ids;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/v1/workflows/{id}/stream}: opens an {@link SseStream} for the caller. */
public final class StreamEndpoint implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final StreamRegistry registry;
  private final BusClient bus;
  private final SseStream.Settings settings;
  private final RateLimits limits;

  public StreamEndpoint(Vertx vertx, StreamRegistry registry, BusClient bus, SseStream.Settings settings,
      RateLimits limits) {
    this.vertx = vertx;
    this.registry = registry;
    this.bus = bus;
    this.settings = settings;
    this.limits = limits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = AuthHandler.caller(ctx);
    caller.require(Caller.READ);
    if (caller.expiresAtEpochSecond() * 1000 <= System.currentTimeMillis()) {
      // accepted within the clock-skew leeway, but a stream would end at once: ask for a fresh token
      throw new ApiException(401, "the token has expired; renew it before opening a stream");
    }
    String id = ctx.pathParam("id");
    if (!Ids.valid(id)) {
      throw ApiException.badRequest("workflow id must be " + Ids.rule());
    }
    String lastEventId = ctx.request().getHeader("Last-Event-ID");
    if (lastEventId == null || lastEventId.isBlank()) {
      lastEventId = ctx.request().getParam("last_event_id");
    }
    if (lastEventId != null && lastEventId.isBlank()) {
      lastEventId = null;
    }
    String resumeAfter = lastEventId;
    // one stream open from the caller's quota and a place under its stream cap, held until the stream ends
    limits.openStream(ctx, caller).onFailure(ctx::fail).onSuccess(slot -> {
      if (ctx.response().closed()) {
        slot.release();
        return;
      }
      SseStream stream = new SseStream(vertx, ctx.request(), new WorkflowKey(caller.tenant(), id), registry, bus,
          settings, slot::release);
      stream.open(resumeAfter, caller).onFailure(ctx::fail);
    });
  }
}
