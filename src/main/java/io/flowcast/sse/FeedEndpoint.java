package io.flowcast.sse;

import io.flowcast.auth.Caller;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.BusClient;
import io.flowcast.ratelimit.RateLimits;
import io.flowcast.workflow.WorkflowStatus;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/feed?status=&limit=&format=}: opens a {@link TenantFeedStream} of the caller's tenant.
 * Like listing, it needs a token for the whole tenant (not one limited to some workflows).
 */
public final class FeedEndpoint implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final StreamRegistry registry;
  private final BusClient bus;
  private final SseStream.Settings settings;
  private final RateLimits limits;

  public FeedEndpoint(Vertx vertx, StreamRegistry registry, BusClient bus, SseStream.Settings settings,
      RateLimits limits) {
    this.vertx = vertx;
    this.registry = registry;
    this.bus = bus;
    this.settings = settings;
    this.limits = limits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = StreamRequests.reader(ctx);
    caller.requireAllWorkflows();
    String status = ctx.request().getParam("status");
    if (status != null && !WorkflowStatus.valid(status)) {
      throw ApiException.badRequest("status must be " + WorkflowStatus.describe());
    }
    Integer limit = limit(ctx.request().getParam("limit"));
    boolean messages = StreamRequests.messageFormat(ctx);
    StreamRequests.open(ctx, caller, limits, release -> new TenantFeedStream(vertx, ctx.request(),
        caller.tenant(), status, limit, messages, registry, bus, settings, release).open(caller));
  }

  /** The snapshot's size as given (the list command checks its range and applies the default), or null. */
  private static Integer limit(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return Integer.valueOf(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("limit must be an integer");
    }
  }
}
