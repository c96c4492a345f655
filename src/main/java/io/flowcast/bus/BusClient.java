package io.flowcast.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** Event-bus requests with a send timeout; every failure arrives as an {@link ApiException}. */
public final class BusClient {
  private final Vertx vertx;
  private final DeliveryOptions options;

  public BusClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, options)
        .map(Message::body)
        .recover(err -> Future.failedFuture(ApiException.from(err)));
  }

  public void send(String address, JsonObject body) {
    vertx.eventBus().send(address, body);
  }
}
