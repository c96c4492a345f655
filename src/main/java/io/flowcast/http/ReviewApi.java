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

/** Review drafts, snapshots and rollback (docs/API.md): each endpoint is one command to the workflow verticle. */
final class ReviewApi {
  private static final String DRAFT = BASE + "/:id/drafts/:section";

  private final BusClient bus;

  ReviewApi(BusClient bus) {
    this.bus = bus;
  }

  void mount(Router router, BodyHandler body, Handler<RoutingContext> auth, RateLimits limits, Idempotency keys) {
    Handler<RoutingContext> read = limits.reads();
    Handler<RoutingContext> write = limits.writes();
    router.get(BASE + "/:id/drafts").handler(auth).handler(read).handler(handle(ctx ->
        reply(ctx, Addresses.DRAFT_LIST, command(ctx, Caller.READ), 200)));
    router.get(DRAFT).handler(auth).handler(read).handler(handle(ctx ->
        draft(ctx, Addresses.DRAFT_GET, section(ctx, Caller.READ))));
    router.put(DRAFT).handler(body).handler(auth).handler(write).handler(handle(ctx ->
        draft(ctx, Addresses.DRAFT_PUT, section(ctx, Caller.WRITE)
            .put("body", Bodies.requiredObject(ctx, "a draft {raw_draft, diff_summary}")))));
    router.post(DRAFT + "/undo").handler(auth).handler(write).handler(keys.forWorkflow()).handler(handle(ctx ->
        draft(ctx, Addresses.DRAFT_UNDO, section(ctx, Caller.WRITE))));
    router.delete(DRAFT).handler(auth).handler(write).handler(handle(ctx ->
        bus.request(Addresses.DRAFT_DISCARD, section(ctx, Caller.WRITE))
            .compose(reply -> ctx.response().setStatusCode(204).end())));
    router.post(DRAFT + "/commit").handler(auth).handler(write).handler(keys.forWorkflow()).handler(handle(ctx ->
        workflow(ctx, Addresses.DRAFT_COMMIT, section(ctx, Caller.WRITE))));
    router.post(BASE + "/:id/snapshots").handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(ctx ->
        reply(ctx, Addresses.SNAPSHOT_CREATE, command(ctx, Caller.WRITE)
            .put("body", Bodies.requiredObject(ctx, "a snapshot {label}")), 201)));
    router.get(BASE + "/:id/snapshots").handler(auth).handler(read).handler(handle(ctx ->
        reply(ctx, Addresses.SNAPSHOT_LIST, command(ctx, Caller.READ), 200)));
    router.post(BASE + "/:id/rollback").handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(ctx ->
        workflow(ctx, Addresses.ROLLBACK, command(ctx, Caller.WRITE)
            .put("body", Bodies.requiredObject(ctx, "a rollback target {label} or {version}"))
            .put("if_match", IfMatch.version(ctx.request().getHeader("If-Match"))))));
  }

  private JsonObject command(RoutingContext ctx, String scope) {
    Caller caller = caller(ctx, scope);
    return Idempotency.claimed(ctx, target(ctx, caller).put("actor", caller.subject())
        .put("request_id", RequestIds.of(ctx)));
  }

  private JsonObject section(RoutingContext ctx, String scope) {
    JsonObject command = command(ctx, scope);
    String section = ctx.pathParam("section");
    if (!Ids.valid(section)) {
      throw ApiException.badRequest("section id must be " + Ids.rule());
    }
    return command.put("section", section);
  }

  private Future<Void> draft(RoutingContext ctx, String address, JsonObject command) {
    return bus.request(address, command).compose(reply -> json(ctx, 200, reply.getJsonObject("draft")));
  }

  private Future<Void> workflow(RoutingContext ctx, String address, JsonObject command) {
    return bus.request(address, command).compose(reply -> {
      JsonObject workflow = reply.getJsonObject("workflow");
      ctx.response().putHeader("ETag", "\"" + workflow.getLong("version") + "\"");
      return json(ctx, 200, workflow);
    });
  }

  private Future<Void> reply(RoutingContext ctx, String address, JsonObject command, int status) {
    return bus.request(address, command).compose(reply -> json(ctx, status, reply));
  }

  private static Future<Void> json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json");
    return Idempotency.end(ctx, status, body.encode());
  }
}
