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

/** Operating the deployment: the live instances (scope {@code flowcast:admin}). */
final class SystemApi {
  static final String BASE = "/api/v1/system";

  private final BusClient bus;

  SystemApi(BusClient bus) {
    this.bus = bus;
  }

  void mount(Router router, Handler<RoutingContext> auth, RateLimits limits) {
    router.get(BASE + "/instances").handler(auth).handler(limits.reads()).handler(WorkflowApi.handle(this::instances));
  }

  private Future<Void> instances(RoutingContext ctx) {
    WorkflowApi.caller(ctx, Caller.FLOWCAST_ADMIN);
    return bus.request(Addresses.SYSTEM_INSTANCES, new JsonObject())
        .compose(reply -> ctx.response().putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(reply.encode()));
  }
}
