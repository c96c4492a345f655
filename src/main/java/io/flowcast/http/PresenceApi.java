package io.flowcast.http;

import io.flowcast.auth.Caller;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.BusClient;
import io.flowcast.ratelimit.RateLimits;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import static io.flowcast.http.WorkflowApi.BASE;
import static io.flowcast.http.WorkflowApi.caller;
import static io.flowcast.http.WorkflowApi.handle;
import static io.flowcast.http.WorkflowApi.target;

/**
 * Presence (docs/API.md, "Presence"): the members watching a workflow, and a caller's own lease without a
 * stream ({@code PUT} to join or renew, with an optional status; {@code DELETE} to leave). Watching needs
 * only {@code workflows:read}, so a read-only page may say it is there; the changes count as writes for the
 * rate limits.
 */
final class PresenceApi {
  private static final String PATH = BASE + "/:id/presence";
  private static final String JSON = "application/json";

  private final BusClient bus;

  PresenceApi(BusClient bus) {
    this.bus = bus;
  }

  void mount(Router router, BodyHandler body, Handler<RoutingContext> auth, RateLimits limits) {
    router.get(PATH).handler(auth).handler(limits.reads()).handler(handle(ctx ->
        members(ctx, Addresses.PRESENCE_LIST, command(ctx))));
    router.put(PATH).handler(body).handler(auth).handler(limits.writes()).handler(handle(ctx -> {
      JsonObject spec = Bodies.object(ctx);
      return members(ctx, Addresses.PRESENCE_SET, command(ctx).put("body", spec == null ? new JsonObject() : spec));
    }));
    router.delete(PATH).handler(auth).handler(limits.writes()).handler(handle(ctx ->
        bus.request(Addresses.PRESENCE_LEAVE, command(ctx)).compose(reply -> ctx.response().setStatusCode(204).end())));
  }

  private static JsonObject command(RoutingContext ctx) {
    Caller caller = caller(ctx, Caller.READ);
    return target(ctx, caller).put("actor", caller.subject()).put("request_id", RequestIds.of(ctx));
  }

  private Future<Void> members(RoutingContext ctx, String address, JsonObject command) {
    return bus.request(address, command).compose(reply -> {
      ctx.response().putHeader("Content-Type", JSON);
      return ctx.response().setStatusCode(200).end(reply.encode());
    });
  }
}
