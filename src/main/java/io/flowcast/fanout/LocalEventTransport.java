package io.flowcast.fanout;

import io.flowcast.bus.EventDelivery;
import io.vertx.core.Future;

import java.util.HashSet;
import java.util.Set;

/** The single-instance transport of the in-memory backend: a publish is delivered straight back. */
public final class LocalEventTransport implements EventTransport {
  private final Set<String> subscribed = new HashSet<>();
  private Listener listener;

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Future<Void> start(Listener listener) {
    this.listener = listener;
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> publish(EventDelivery event) {
    if (subscribed.contains(event.workflow())) {
      listener.event(event);
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
