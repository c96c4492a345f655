package io.flowcast.fanout;

import io.flowcast.bus.EventDelivery;
import io.vertx.core.Future;

import java.util.function.Consumer;

/**
 * Carries committed events between instances. Only events of subscribed workflows are delivered.
 * Delivery is at most once; SSE streams detect gaps by {@code seq} and catch up from the event log.
 */
public interface EventTransport {

  String name();

  Future<Void> start(Consumer<EventDelivery> deliveries);

  Future<Void> publish(EventDelivery event);

  Future<Void> subscribe(String workflow);

  Future<Void> unsubscribe(String workflow);

  Future<Void> close();
}
