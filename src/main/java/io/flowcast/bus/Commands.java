package io.flowcast.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;

import java.util.function.Function;

/**
 * Serves an event-bus command: the handler's result is the reply; any failure (thrown or a failed
 * future) is answered with {@code fail(status, detail)} as {@link ApiException} defines it. Faults of
 * the server itself are logged once, here.
 */
public final class Commands {
  private Commands() {
  }

  public static void serve(Vertx vertx, String address, Logger log,
      Function<JsonObject, Future<JsonObject>> handler) {
    vertx.eventBus().<JsonObject>consumer(address, message -> reply(message, log, handler));
  }

  private static void reply(Message<JsonObject> message, Logger log,
      Function<JsonObject, Future<JsonObject>> handler) {
    Future<JsonObject> result;
    try {
      JsonObject body = message.body();
      if (body == null) {
        throw ApiException.badRequest("a command body is required");
      }
      result = handler.apply(body);
    } catch (ApiException | IllegalArgumentException | ClassCastException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(message::reply).onFailure(err -> {
      ApiException api = err instanceof IllegalArgumentException || err instanceof ClassCastException
          ? ApiException.badRequest(err.getMessage()) : ApiException.from(err);
      if (api.status() == 503) {
        log.warn("command on {} failed: {}", message.address(), api.getMessage());
      } else if (api.status() >= 500) {
        log.error("command on {} failed", message.address(), err);
      }
      message.fail(api.status(), api.getMessage());
    });
  }
}
