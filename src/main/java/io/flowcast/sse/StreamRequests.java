package io.flowcast.sse;

import io.flowcast.auth.AuthHandler;
import io.flowcast.auth.Caller;
import io.flowcast.bus.ApiException;
import io.flowcast.ratelimit.RateLimits;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/** What both stream endpoints ask of a request before they open a stream. */
final class StreamRequests {
  private StreamRequests() {
  }

  /** The caller, who must be allowed to read and hold a token that has not yet expired. */
  static Caller reader(RoutingContext ctx) {
    Caller caller = AuthHandler.caller(ctx);
    caller.require(Caller.READ);
    if (caller.expiresAtEpochSecond() * 1000 <= System.currentTimeMillis()) {
      // accepted within the clock-skew leeway, but a stream would end at once: ask for a fresh token
      throw new ApiException(401, "the token has expired; renew it before opening a stream");
    }
    return caller;
  }

  /**
   * Whether the stream sends unnamed events ({@code ?format=message}, the type inside the data) rather
   * than named ones ({@code format=event}, the default).
   */
  static boolean messageFormat(RoutingContext ctx) {
    String format = ctx.request().getParam("format");
    if (format == null || format.equals("event")) {
      return false;
    }
    if (format.equals("message")) {
      return true;
    }
    throw ApiException.badRequest("format must be event (named SSE events, the default) or message (unnamed "
        + "events with the type in the data)");
  }

  /** {@code Last-Event-ID}, from the header or the {@code last_event_id} query parameter; null when absent or blank. */
  static String lastEventId(RoutingContext ctx) {
    String lastEventId = ctx.request().getHeader("Last-Event-ID");
    if (lastEventId == null || lastEventId.isBlank()) {
      lastEventId = ctx.request().getParam("last_event_id");
    }
    return lastEventId == null || lastEventId.isBlank() ? null : lastEventId;
  }

  /**
   * Takes one stream open from the caller's quota and a place under its stream cap, held until the stream
   * ends, then opens the stream ({@code open} is given what releases the place, and answers when the
   * stream is open or could not be).
   */
  static void open(RoutingContext ctx, Caller caller, RateLimits limits, Function<Runnable, Future<Void>> open) {
    limits.openStream(ctx, caller).onFailure(ctx::fail).onSuccess(slot -> {
      if (ctx.response().closed()) {
        slot.release();
        return;
      }
      open.apply(slot::release).onFailure(ctx::fail);
    });
  }
}
