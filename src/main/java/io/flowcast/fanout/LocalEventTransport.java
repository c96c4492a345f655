package io.flowcast.fanout;

import io.flowcast.bus.EventDelivery;
import io.vertx.core.Future;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/** The single-instance transport of the in-memory backend: a publish is delivered straight back. */
public final class LocalEventTransport implements EventTransport {
  private final Set<String> subscribed = new HashSet<>();
  private Consumer<EventDelivery> deliveries = e -> { };

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Future<Void> start(Consumer<EventDelivery> deliveries) {
    this.deliveries = deliveries;
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publish(EventDelivery event) {
    if (subscribed.contains(event.workflow())) {
      deliveries.accept(event);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> subscribe(String workflow) {
    subscribed.add(workflow);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unsubscribe(String workflow) {
    subscribed.remove(workflow);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    subscribed.clear();
    return Future.succeededFuture();
  }
}
