package io.flowcast.http;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.JsonDepth;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/** Reads JSON request bodies: the content type must be JSON, the body one JSON object. */
final class Bodies {
  private Bodies() {
  }

  /** The body as a JSON object, or null when there is none. */
  static JsonObject object(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    String type = ctx.request().getHeader("Content-Type");
    boolean empty = body == null || body.length() == 0;
    if (empty && type == null) {
      return null;
    }
    if (!isJson(type)) {
      throw new ApiException(415, "Content-Type must be application/json (or application/merge-patch+json), got "
          + (type == null ? "none" : "'" + type.replaceAll("[\\p{Cntrl}]", "?") + "'"));
    }
    if (empty) {
      return null;
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw ApiException.badRequest("the body is not valid JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    if (JsonDepth.of(object) > JsonDepth.MAX) {
      throw ApiException.badRequest("the body is nested deeper than " + JsonDepth.MAX + " levels");
    }
    return object;
  }

  static JsonObject requiredObject(RoutingContext ctx, String what) {
    JsonObject object = object(ctx);
    if (object == null) {
      throw ApiException.badRequest("a JSON body is required: " + what);
    }
    return object;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
  }
}
