package io.flowcast.http;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.Ids;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/** Gives every request an id (the client's {@code X-Request-Id} when it is well-formed) and echoes it. */
public final class RequestIds implements Handler<RoutingContext> {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "flowcast.request_id";

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(KEY, assign(ctx.request()));
    try {
      ctx.queryParams();
    } catch (IllegalArgumentException e) {
      ctx.fail(ApiException.badRequest("the query string is not valid percent-encoding"));
      return;
    }
    ctx.next();
  }

  /** The request's id (the client's when well-formed, else a new one), echoed on its response. */
  static String assign(HttpServerRequest request) {
    String given = request.getHeader(HEADER);
    String id = Ids.valid(given) ? given : UUID.randomUUID().toString();
    request.response().putHeader(HEADER, id);
    return id;
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }
}
