package io.flowcast.http;

import io.flowcast.bus.ApiException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Function;

/**
 * The one failure handler: renders every failure as RFC 9457 problem details and logs server faults
 * once, with the request id. Never a stack trace to the client.
 */
public final class Problems implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(Problems.class);
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final Map<Integer, String> SLUGS = Map.ofEntries(
      Map.entry(400, "bad-request"), Map.entry(401, "unauthorized"), Map.entry(403, "forbidden"),
      Map.entry(404, "not-found"), Map.entry(405, "method-not-allowed"), Map.entry(406, "not-acceptable"),
      Map.entry(409, "conflict"), Map.entry(412, "precondition-failed"), Map.entry(413, "payload-too-large"),
      Map.entry(414, "uri-too-long"), Map.entry(415, "unsupported-media-type"),
      Map.entry(422, "unprocessable-content"), Map.entry(429, "too-many-requests"),
      Map.entry(431, "request-header-fields-too-large"),
      Map.entry(503, "service-unavailable"));

  private final Function<RoutingContext, String> clients;

  /** @param clients the client address of a request, for the log (behind a proxy, from X-Forwarded-For) */
  public Problems(Function<RoutingContext, String> clients) {
    this.clients = clients;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ClientFaults.clientGone(ctx.failure())) {
      log.debug("request {} {} {}: the client hung up before its request was read", RequestIds.of(ctx),
          ctx.request().method(), ctx.request().path());
      return;
    }
    ApiException problem = toProblem(ctx);
    if (problem.status() == 503) {
      log.warn("request {} {} {} from {} answered 503: {}", RequestIds.of(ctx), ctx.request().method(),
          ctx.request().path(), clients.apply(ctx), problem.getMessage());
    } else if (problem.status() >= 500) {
      log.error("request {} {} {} from {} failed", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(),
          clients.apply(ctx), ctx.failure());
    }
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    send(ctx, problem);
  }

  /**
   * For {@code router.errorHandler(status, ...)}: Vert.x calls it without {@code fail()} for requests it
   * rejects itself (a malformed URI, no route), so the status comes from the registration.
   */
  public Handler<RoutingContext> forStatus(int status) {
    return ctx -> {
      if (ctx.failure() == null && (ctx.statusCode() < 400 || ctx.statusCode() > 599)) {
        if (ctx.response().headWritten()) {
          ctx.request().connection().close();
          return;
        }
        send(ctx, new ApiException(status, status == 400 ? "the request URI is malformed" : detail(status)));
        return;
      }
      handle(ctx);
    };
  }

  static void send(RoutingContext ctx, ApiException problem) {
    send(ctx.response(), problem, ctx.request().path(), RequestIds.of(ctx));
  }

  /** The problem document of {@code problem} as the answer, also where no route ran (no context). */
  static void send(HttpServerResponse response, ApiException problem, String path, String requestId) {
    int status = problem.status();
    JsonObject body = new JsonObject()
        .put("type", "urn:flowcast:problem:" + SLUGS.getOrDefault(status, status >= 500 ? "internal-error" : "error"))
        .put("title", HttpResponseStatus.valueOf(status).reasonPhrase())
        .put("status", status)
        .put("detail", problem.getMessage())
        .put("request_id", requestId);
    if (path != null) {
      body.put("instance", path);
    }
    response.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE);
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }
    if (status == 503) {
      response.putHeader("Retry-After", "1");
    }
    response.end(body.encode());
  }

  private static ApiException toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof DecodeException) {
      return ApiException.badRequest("the body is not valid JSON");
    }
    if (failure instanceof HttpException http) {
      return new ApiException(http.getStatusCode(), detail(http.getStatusCode()));
    }
    ApiException clientFault = ClientFaults.of(failure);
    if (clientFault != null) {
      return clientFault;
    }
    int status = ctx.statusCode();
    if (failure == null && status >= 400 && status < 600) {
      return new ApiException(status, detail(status));
    }
    return new ApiException(500, "internal error; quote request id " + RequestIds.of(ctx));
  }

  private static String detail(int status) {
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 413 -> "the body is larger than the configured limit";
      case 415 -> "unsupported content type; send application/json";
      default -> HttpResponseStatus.valueOf(status).reasonPhrase();
    };
  }
}
