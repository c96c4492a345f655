package io.flowcast.http;

import io.flowcast.bus.BusClient;
import io.flowcast.auth.AuthHandler;
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

import java.util.function.Function;

/**
 * The workflow and event endpoints of docs/API.md: validates and authorizes at the edge, then sends one
 * command to the workflow verticle and renders its reply.
 */
final class WorkflowApi {
  static final String BASE = "/api/v1/workflows";
  private static final String JSON = "application/json";

  private final BusClient bus;

  WorkflowApi(BusClient bus) {
    this.bus = bus;
  }

  /** Every route: authentication, then the caller's read or write quota, then the endpoint. */
  void mount(Router router, BodyHandler body, Handler<RoutingContext> auth, RateLimits limits, Idempotency keys) {
    Handler<RoutingContext> read = limits.reads();
    Handler<RoutingContext> write = limits.writes();
    router.post(BASE).handler(body).handler(auth).handler(write).handler(keys.forCreate()).handler(handle(this::create));
    router.get(BASE).handler(auth).handler(read).handler(handle(this::list));
    router.get(BASE + "/:id").handler(auth).handler(read).handler(handle(this::get));
    router.patch(BASE + "/:id").handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(this::patch));
    router.post(BASE + "/:id/reopen").handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(ctx -> transition(ctx, Addresses.WORKFLOW_REOPEN)));
    router.post(BASE + "/:id/cancel").handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(ctx -> transition(ctx, Addresses.WORKFLOW_CANCEL)));
    router.post(BASE + "/:id/fork").handler(body).handler(auth).handler(write).handler(keys.forFork())
        .handler(handle(this::fork));
    router.get(BASE + "/:id/diff").handler(auth).handler(read).handler(handle(this::diff));
    router.delete(BASE + "/:id").handler(auth).handler(write).handler(handle(this::delete));
    router.post(BASE + "/:id/events").handler(body).handler(auth).handler(write).handler(keys.forWorkflow())
        .handler(handle(this::publish));
    router.get(BASE + "/:id/events").handler(auth).handler(read).handler(handle(this::history));
  }

  private Future<Void> create(RoutingContext ctx) {
    Caller caller = caller(ctx, Caller.WRITE);
    caller.requireAllWorkflows();
    JsonObject body = Bodies.object(ctx);
    JsonObject spec = body == null ? new JsonObject() : body;
    String keyed = Idempotency.workflowId(ctx);
    if (keyed != null && spec.getValue("id") == null) {
      spec.put("id", keyed);
    }
    JsonObject command = new JsonObject().put("tenant", caller.tenant()).put("actor", caller.subject())
        .put("request_id", RequestIds.of(ctx)).put("body", spec);
    return bus.request(Addresses.WORKFLOW_CREATE, Idempotency.claimed(ctx, command)).compose(reply -> {
      JsonObject workflow = reply.getJsonObject("workflow");
      ctx.response().putHeader("Location", BASE + "/" + workflow.getString("id"));
      return sendWorkflow(ctx, 201, workflow);
    });
  }

  private Future<Void> get(RoutingContext ctx) {
    Caller caller = caller(ctx, Caller.READ);
    Long version = QueryParams.version(ctx, "version");
    if (version != null) {
      // time travel: the workflow as it was at that version
      return bus.request(Addresses.WORKFLOW_AT, target(ctx, caller).put("version", version))
          .compose(reply -> sendWorkflow(ctx, 200, reply.getJsonObject("workflow")));
    }
    return bus.request(Addresses.WORKFLOW_GET, target(ctx, caller))
        .compose(reply -> sendWorkflow(ctx, 200, reply.getJsonObject("workflow")));
  }

  /** A fork: a new workflow (of the same tenant) from the path's workflow at a version. */
  private Future<Void> fork(RoutingContext ctx) {
    Caller caller = caller(ctx, Caller.WRITE);
    caller.requireAllWorkflows(); // it creates a workflow, which a token limited to some may not
    JsonObject body = Bodies.requiredObject(ctx, "a JSON object {version, id, status?}");
    JsonObject command = target(ctx, caller).put("actor", caller.subject()).put("request_id", RequestIds.of(ctx))
        .put("body", body);
    return bus.request(Addresses.WORKFLOW_FORK, Idempotency.claimed(ctx, command)).compose(reply -> {
      JsonObject workflow = reply.getJsonObject("workflow");
      ctx.response().putHeader("Location", BASE + "/" + workflow.getString("id"));
      return sendWorkflow(ctx, 201, workflow);
    });
  }

  private Future<Void> diff(RoutingContext ctx) {
    Caller caller = caller(ctx, Caller.READ);
    Long from = QueryParams.version(ctx, "from");
    Long to = QueryParams.version(ctx, "to");
    if (from == null || to == null) {
      throw ApiException.badRequest("from and to are required: the versions to compare (positive integers)");
    }
    return bus.request(Addresses.WORKFLOW_DIFF, target(ctx, caller).put("from", from).put("to", to))
        .compose(reply -> {
          ctx.response().putHeader("Content-Type", "application/merge-patch+json");
          return ctx.response().setStatusCode(200).end(reply.getJsonObject("patch").encode());
        });
  }

  /** A reopen or a cancel: an optional body ({status} or {reason}), If-Match, the workflow as it then is. */
  private Future<Void> transition(RoutingContext ctx, String address) {
    Caller caller = caller(ctx, Caller.WRITE);
    JsonObject body = Bodies.object(ctx);
    JsonObject command = target(ctx, caller).put("actor", caller.subject()).put("request_id", RequestIds.of(ctx))
        .put("body", body == null ? new JsonObject() : body)
        .put("if_match", IfMatch.version(ctx.request().getHeader("If-Match")));
    return bus.request(address, Idempotency.claimed(ctx, command))
        .compose(reply -> sendWorkflow(ctx, 200, reply.getJsonObject("workflow")));
  }

  private Future<Void> list(RoutingContext ctx) {
    Caller caller = caller(ctx, Caller.READ);
    caller.requireAllWorkflows();
    JsonObject command = new JsonObject().put("tenant", caller.tenant())
        .put("status", ctx.request().getParam("status"))
        .put("limit", QueryParams.integer(ctx, "limit"))
        .put("cursor", ctx.request().getParam("cursor"));
    return bus.request(Addresses.WORKFLOW_LIST, command).compose(reply -> send(ctx, 200, reply));
  }

  private Future<Void> patch(RoutingContext ctx) {
    Caller caller = caller(ctx, Caller.WRITE);
    JsonObject patch = Bodies.requiredObject(ctx, "a JSON merge patch of {status, state, metadata}");
    JsonObject command = target(ctx, caller).put("actor", caller.subject()).put("request_id", RequestIds.of(ctx))
        .put("patch", patch)
        .put("if_match", IfMatch.version(ctx.request().getHeader("If-Match")));
    return bus.request(Addresses.WORKFLOW_PATCH, Idempotency.claimed(ctx, command))
        .compose(reply -> sendWorkflow(ctx, 200, reply.getJsonObject("workflow")));
  }

  private Future<Void> delete(RoutingContext ctx) {
    Caller caller = caller(ctx, Caller.WRITE);
    return bus.request(Addresses.WORKFLOW_DELETE, target(ctx, caller).put("actor", caller.subject())
            .put("request_id", RequestIds.of(ctx)))
        .compose(reply -> ctx.response().setStatusCode(204).end());
  }

  private Future<Void> publish(RoutingContext ctx) {
    Caller caller = caller(ctx, Caller.WRITE);
    JsonObject event = Bodies.requiredObject(ctx, "an event {type, data, parent_id?, metadata?}");
    JsonObject command = target(ctx, caller).put("actor", caller.subject()).put("request_id", RequestIds.of(ctx))
        .put("event", event);
    return bus.request(Addresses.EVENT_APPEND, Idempotency.claimed(ctx, command))
        .compose(reply -> send(ctx, 201, reply.getJsonObject("event")));
  }

  private Future<Void> history(RoutingContext ctx) {
    Caller caller = caller(ctx, Caller.READ);
    JsonObject command = target(ctx, caller)
        .put("after", ctx.request().getParam("after"))
        .put("limit", QueryParams.integer(ctx, "limit"));
    return bus.request(Addresses.EVENTS_READ, command).compose(reply -> {
      var events = reply.getJsonArray("events");
      String last = events.isEmpty() ? null : events.getJsonObject(events.size() - 1).getString("id");
      return send(ctx, 200, new JsonObject().put("events", events).put("has_more", reply.getBoolean("has_more"))
          .put("next_after", reply.getBoolean("has_more") ? last : null));
    });
  }

  static Caller caller(RoutingContext ctx, String scope) {
    Caller caller = AuthHandler.caller(ctx);
    caller.require(scope);
    return caller;
  }

  /** The command body naming the workflow of the path, in the caller's tenant (and within its token's limit). */
  static JsonObject target(RoutingContext ctx, Caller caller) {
    String id = pathId(ctx);
    caller.requireWorkflow(id);
    return new JsonObject().put("tenant", caller.tenant()).put("id", id);
  }

  static String pathId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Ids.valid(id)) {
      throw ApiException.badRequest("workflow id must be " + Ids.rule());
    }
    return id;
  }

  private static Future<Void> sendWorkflow(RoutingContext ctx, int status, JsonObject workflow) {
    ctx.response().putHeader("ETag", "\"" + workflow.getLong("version") + "\"");
    return send(ctx, status, workflow);
  }

  private static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().putHeader("Content-Type", JSON);
    return Idempotency.end(ctx, status, body.encode());
  }

  /** Runs an endpoint: synchronous throws and failed futures both reach the failure handler. */
  static Handler<RoutingContext> handle(Function<RoutingContext, Future<Void>> endpoint) {
    return ctx -> {
      try {
        endpoint.apply(ctx).onFailure(ctx::fail);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    };
  }
}
