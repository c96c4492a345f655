package io.flowcast.http;

import io.flowcast.bus.BusClient;
import io.flowcast.auth.Caller;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
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
 * The action queue endpoints (docs/API.md, "Actions"): validates and authorizes at the edge, sends one
 * command to the workflow verticle and renders its reply. Bodies are checked in full by the command.
 */
final class ActionApi {
  private static final String ACTIONS = BASE + "/:id/actions";
  private static final String ONE = ACTIONS + "/:action_id";

  private final BusClient bus;

  ActionApi(BusClient bus) {
    this.bus = bus;
  }

  void mount(Router router, BodyHandler body, Handler<RoutingContext> auth, RateLimits limits, Idempotency keys) {
    Handler<RoutingContext> read = limits.reads();
    Handler<RoutingContext> write = limits.writes();
    router.post(ACTIONS).handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(this::enqueue));
    router.get(ACTIONS).handler(auth).handler(read).handler(handle(this::list));
    router.post(ACTIONS + "/claim").handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(this::claim));
    router.get(ONE).handler(auth).handler(read).handler(handle(this::get));
    router.post(ONE + "/complete").handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(ctx -> settle(ctx, Addresses.ACTION_COMPLETE)));
    router.post(ONE + "/heartbeat").handler(body).handler(auth).handler(write)
        .handler(handle(ctx -> settle(ctx, Addresses.ACTION_HEARTBEAT)));
    router.post(ONE + "/fail").handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(ctx -> settle(ctx, Addresses.ACTION_FAIL)));
  }

  private Future<Void> enqueue(RoutingContext ctx) {
    JsonObject command = change(ctx, "an action {type, payload}");
    return bus.request(Addresses.ACTION_ENQUEUE, command).compose(reply -> {
      JsonObject action = reply.getJsonObject("action");
      ctx.response().putHeader("Location", BASE + "/" + command.getString("id") + "/actions/"
          + action.getString("id"));
      return send(ctx, 201, action);
    });
  }

  private Future<Void> claim(RoutingContext ctx) {
    JsonObject command = change(ctx, "a claim {worker, lease_seconds?}");
    return bus.request(Addresses.ACTION_CLAIM, command).compose(reply -> {
      JsonObject action = reply.getJsonObject("action");
      return action == null ? Idempotency.end(ctx, 204, null) : send(ctx, 200, action);
    });
  }

  private Future<Void> settle(RoutingContext ctx, String address) {
    JsonObject command = change(ctx, null).put("action_id", actionId(ctx));
    return bus.request(address, command).compose(reply -> send(ctx, 200, reply.getJsonObject("action")));
  }

  private Future<Void> get(RoutingContext ctx) {
    JsonObject command = target(ctx, caller(ctx, Caller.READ)).put("action_id", actionId(ctx));
    return bus.request(Addresses.ACTION_GET, command).compose(reply -> send(ctx, 200, reply.getJsonObject("action")));
  }

  private Future<Void> list(RoutingContext ctx) {
    JsonObject command = target(ctx, caller(ctx, Caller.READ))
        .put("status", ctx.request().getParam("status"))
        .put("cursor", ctx.request().getParam("cursor"))
        .put("limit", QueryParams.integer(ctx, "limit"));
    return bus.request(Addresses.ACTION_LIST, command).compose(reply -> send(ctx, 200, reply));
  }

  /**
   * A command that changes the queue: the caller must hold the write scope. {@code required} describes
   * the body when one is required; without one, no body is an empty object.
   */
  private static JsonObject change(RoutingContext ctx, String required) {
    Caller caller = caller(ctx, Caller.WRITE);
    JsonObject body = required != null ? Bodies.requiredObject(ctx, required) : Bodies.object(ctx);
    return Idempotency.claimed(ctx, target(ctx, caller).put("actor", caller.subject())
        .put("request_id", RequestIds.of(ctx)).put("body", body == null ? new JsonObject() : body));
  }

  private static String actionId(RoutingContext ctx) {
    String id = ctx.pathParam("action_id");
    if (!Ids.valid(id)) {
      throw ApiException.badRequest("action id must be " + Ids.rule());
    }
    return id;
  }

  private static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json");
    return Idempotency.end(ctx, status, body.encode());
  }
}
