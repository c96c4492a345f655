package io.flowcast.http;

import io.flowcast.bus.ApiException;
import io.vertx.ext.web.RoutingContext;

/** Typed query parameters with clear errors. */
final class QueryParams {
  private QueryParams() {
  }

  static Integer integer(RoutingContext ctx, String name) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return null;
    }
    try {
      return Integer.valueOf(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be an integer");
    }
  }
}
