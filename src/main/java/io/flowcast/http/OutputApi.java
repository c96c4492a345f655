package io.flowcast.http;

import io.flowcast.auth.Caller;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.BusClient;
import io.flowcast.ratelimit.RateLimits;
import io.flowcast.workflow.Ids;
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
 * The token stream endpoints (docs/API.md, "Outputs"): validates and authorizes at the edge, sends one
 * command to the workflow verticle and renders its reply.
 */
final class OutputApi {
  private static final String ONE = BASE + "/:id/outputs/:name";

  private final BusClient bus;

  OutputApi(BusClient bus) {
    this.bus = bus;
  }

  void mount(Router router, BodyHandler body, Handler<RoutingContext> auth, RateLimits limits) {
    router.get(ONE).handler(auth).handler(limits.reads()).handler(handle(this::get));
    router.post(ONE + "/append").handler(body).handler(auth).handler(limits.outputs())
        .handler(handle(ctx -> change(ctx, Addresses.OUTPUT_APPEND, Bodies.requiredObject(ctx, "{text, offset?}"))));
    router.post(ONE + "/close").handler(body).handler(auth).handler(limits.outputs())
        .handler(handle(ctx -> change(ctx, Addresses.OUTPUT_CLOSE, Bodies.object(ctx))));
  }

  private Future<Void> get(RoutingContext ctx) {
    JsonObject command = target(ctx, caller(ctx, Caller.READ)).put("name", name(ctx));
    return bus.request(Addresses.OUTPUT_GET, command).compose(reply -> send(ctx, reply));
  }

  private Future<Void> change(RoutingContext ctx, String address, JsonObject body) {
    Caller caller = caller(ctx, Caller.WRITE);
    JsonObject command = target(ctx, caller).put("name", name(ctx)).put("actor", caller.subject())
        .put("request_id", RequestIds.of(ctx)).put("body", body == null ? new JsonObject() : body);
    return bus.request(address, command).compose(reply -> send(ctx, reply));
  }

  private static String name(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!Ids.valid(name)) {
      throw ApiException.badRequest("output name must be " + Ids.rule());
    }
    return name;
  }

  private static Future<Void> send(RoutingContext ctx, JsonObject body) {
    return ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
