package io.flowcast.http;

import io.flowcast.bus.BusClient;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The token endpoints of docs/API.md ("Authentication"): {@code POST /api/v1/auth/token} (RFC 6749, form-encoded or
 * JSON, client authentication by HTTP Basic or in the body) and {@code POST /api/v1/auth/revoke}
 * (RFC 7009). Errors are RFC 6749 section 5.2 JSON, not problem details; server faults stay problems.
 */
final class AuthApi {
  static final String BASE = "/api/v1/auth";

  private final BusClient bus;

  AuthApi(BusClient bus) {
    this.bus = bus;
  }

  void mount(Router router, BodyHandler body, Handler<RoutingContext> tokenLimit) {
    router.post(BASE + "/token").handler(body).handler(tokenLimit).handler(ctx -> exchange(ctx, Addresses.AUTH_TOKEN))
        .failureHandler(AuthApi::undecodable);
    router.post(BASE + "/revoke").handler(body).handler(tokenLimit).handler(ctx -> exchange(ctx, Addresses.AUTH_REVOKE))
        .failureHandler(AuthApi::undecodable);
  }

  private void exchange(RoutingContext ctx, String address) {
    JsonObject request;
    try {
      request = parameters(ctx);
    } catch (ApiException e) {
      oauthError(ctx, e);
      return;
    }
    noStore(ctx);
    bus.request(address, request)
        .onSuccess(answer -> ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json")
            .end(answer.encode()))
        .onFailure(err -> {
          ApiException api = ApiException.from(err);
          if (api.status() >= 500) {
            ctx.fail(api);
          } else {
            oauthError(ctx, api);
          }
        });
  }

  /**
   * A body the decoder refused (not valid form encoding) is an RFC 6749 {@code invalid_request} here, like any
   * other malformed token request; everything else (413, 429, 5xx) goes on to the problem documents.
   */
  private static void undecodable(RoutingContext ctx) {
    ApiException fault = ClientFaults.of(ctx.failure());
    if (fault != null && fault.status() == 400 && !ctx.response().headWritten()) {
      oauthError(ctx, oauth("invalid_request", fault.getMessage()));
    } else {
      ctx.next();
    }
  }

  /** The request's parameters: form fields or a JSON object of strings, plus HTTP Basic client credentials. */
  private static JsonObject parameters(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    JsonObject request = new JsonObject();
    if (mime.equals("application/x-www-form-urlencoded")) {
      MultiMap form = ctx.request().formAttributes();
      for (String name : form.names()) {
        if (form.getAll(name).size() > 1) {
          throw oauth("invalid_request", "parameter " + name + " is repeated");
        }
        request.put(name, form.get(name));
      }
    } else if (mime.equals("application/json")) {
      JsonObject json = Bodies.object(ctx);
      if (json != null) {
        json.forEach(e -> {
          if (!(e.getValue() instanceof String)) {
            throw oauth("invalid_request", "parameter " + e.getKey() + " must be a string");
          }
          request.put(e.getKey(), e.getValue());
        });
      }
    } else {
      throw oauth("invalid_request", "send application/x-www-form-urlencoded or application/json");
    }
    basicClient(ctx, request);
    return request;
  }

  /** RFC 6749 section 2.3.1: client_id and client_secret in HTTP Basic, form-URL-encoded. */
  private static void basicClient(RoutingContext ctx, JsonObject request) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw oauth("invalid_client", "malformed Basic credentials");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw oauth("invalid_client", "malformed Basic credentials");
    }
    request.put("client_id", URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8));
    request.put("client_secret", URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
    ctx.put("flowcast.basic_client", true);
  }

  private static ApiException oauth(String error, String description) {
    return new ApiException(error.equals("invalid_client") ? 401 : 400, error + ": " + description);
  }

  /** {@code {error, error_description}} from a failure whose detail is {@code "<error>: <description>"}. */
  private static Future<Void> oauthError(RoutingContext ctx, ApiException failure) {
    String detail = failure.getMessage() == null ? "invalid_request" : failure.getMessage();
    int colon = detail.indexOf(": ");
    String error = colon > 0 ? detail.substring(0, colon) : "invalid_request";
    String description = colon > 0 ? detail.substring(colon + 2) : detail;
    noStore(ctx);
    if (failure.status() == 401 && Boolean.TRUE.equals(ctx.get("flowcast.basic_client"))) {
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"flowcast\"");
    }
    return ctx.response().setStatusCode(failure.status()).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).put("error_description", description).encode());
  }

  private static void noStore(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
  }
}
