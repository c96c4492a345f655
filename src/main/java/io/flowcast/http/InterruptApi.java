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
 * The interrupt endpoints (docs/API.md, "Interrupts"): a worker raises one ({@code workflows:write}), a person
 * answers it ({@code interrupts:answer}, which {@code workflows:write} implies), both read them. Each is one
 * command to the workflow verticle; bodies are checked in full by the command.
 */
final class InterruptApi {
  private static final String INTERRUPTS = BASE + "/:id/interrupts";
  private static final String ONE = INTERRUPTS + "/:interrupt_id";

  private final BusClient bus;

  InterruptApi(BusClient bus) {
    this.bus = bus;
  }

  void mount(Router router, BodyHandler body, Handler<RoutingContext> auth, RateLimits limits, Idempotency keys) {
    Handler<RoutingContext> read = limits.reads();
    Handler<RoutingContext> write = limits.writes();
    router.post(INTERRUPTS).handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(this::raise));
    router.get(INTERRUPTS).handler(auth).handler(read).handler(handle(this::list));
    router.get(ONE).handler(auth).handler(read).handler(handle(this::get));
    router.post(ONE + "/resolve").handler(body).handler(auth).handler(write).handler(keys.forWorkflow(Caller.ANSWER))
        .handler(handle(this::resolve));
  }

  private Future<Void> raise(RoutingContext ctx) {
    JsonObject command = change(ctx, Caller.WRITE, "an interrupt {kind, prompt, schema?, expires_at?}");
    return bus.request(Addresses.INTERRUPT_RAISE, command).compose(reply -> {
      JsonObject interrupt = reply.getJsonObject("interrupt");
      ctx.response().putHeader("Location", BASE + "/" + command.getString("id") + "/interrupts/"
          + interrupt.getString("id"));
      return send(ctx, 201, interrupt);
    });
  }

  private Future<Void> resolve(RoutingContext ctx) {
    JsonObject command = change(ctx, Caller.ANSWER, "an answer {value}").put("interrupt_id", interruptId(ctx));
    return bus.request(Addresses.INTERRUPT_RESOLVE, command)
        .compose(reply -> send(ctx, 200, reply.getJsonObject("interrupt")));
  }

  private Future<Void> get(RoutingContext ctx) {
    JsonObject command = target(ctx, caller(ctx, Caller.READ)).put("interrupt_id", interruptId(ctx));
    return bus.request(Addresses.INTERRUPT_GET, command)
        .compose(reply -> send(ctx, 200, reply.getJsonObject("interrupt")));
  }

  private Future<Void> list(RoutingContext ctx) {
    JsonObject command = target(ctx, caller(ctx, Caller.READ)).put("status", ctx.request().getParam("status"));
    return bus.request(Addresses.INTERRUPT_LIST, command).compose(reply -> send(ctx, 200, reply));
  }

  /** A command that changes the workflow's interrupts: the caller must hold {@code scope}; the body is required. */
  private static JsonObject change(RoutingContext ctx, String scope, String what) {
    Caller caller = caller(ctx, scope);
    return Idempotency.claimed(ctx, target(ctx, caller).put("actor", caller.subject())
        .put("request_id", RequestIds.of(ctx)).put("body", Bodies.requiredObject(ctx, what)));
  }

  private static String interruptId(RoutingContext ctx) {
    String id = ctx.pathParam("interrupt_id");
    if (!Ids.valid(id)) {
      throw ApiException.badRequest("interrupt id must be " + Ids.rule());
    }
    return id;
  }

  private static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json");
    return Idempotency.end(ctx, status, body.encode());
  }
}
