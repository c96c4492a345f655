package io.flowcast.http;

import io.flowcast.bus.ApiException;
import io.vertx.ext.web.RoutingContext;

/** Typed query parameters with clear errors. */
final class QueryParams {
  private QueryParams() {
  }

  /** A version number (1 or more), or null when absent; anything else is a 400. */
  static Long version(RoutingContext ctx, String name) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return null;
    }
    if (ctx.queryParam(name).size() > 1) {
      throw ApiException.badRequest(name + " must be given once");
    }
    try {
      long version = Long.parseLong(raw.trim());
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw ApiException.badRequest(name + " must be a version: a positive integer, got '"
        + (raw.length() > 20 ? raw.substring(0, 20) + "..." : raw).replaceAll("[\\p{Cntrl}]", "?") + "'");
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
