package io.flowcast.memory;

import io.flowcast.bus.EventDelivery;
import io.flowcast.bus.FeedChange;
import io.flowcast.fanout.EventTransport;
import io.vertx.core.Future;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-instance transport of the in-memory backend: the store hands it every event as it appends
 * it ({@link #deliver}), and it goes straight to the fan-out when a local stream watches the workflow; the
 * same for the feed entry of each change ({@link #announce}) when a local feed stream follows its tenant.
 * The store appends on the workflow verticle's thread, the fan-out subscribes on its own: a concurrent set.
 */
final class LocalEventTransport implements EventTransport {
  private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
  private final Set<String> tenants = ConcurrentHashMap.newKeySet();
  private volatile Listener listener;

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Future<Void> start(Listener listener) {
    this.listener = listener;
    return Future.succeededFuture();
  }

  /** An event the store just appended. */
  void deliver(EventDelivery event) {
    Listener current = listener;
    if (current != null && subscribed.contains(event.workflow())) {
      current.event(event);
    }
  }

  /** Whether a local feed follows the tenant (the store makes a feed entry only then). */
  boolean follows(String tenant) {
    return listener != null && tenants.contains(tenant);
  }

  /** A feed entry of a change the store just made. */
  void announce(FeedChange change) {
    Listener current = listener;
    if (current != null && tenants.contains(change.tenant())) {
      current.feed(change);
    }
  }

  @Override
  public Future<Void> subscribeFeed(String tenant) {
    tenants.add(tenant);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unsubscribeFeed(String tenant) {
    tenants.remove(tenant);
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
    tenants.clear();
    return Future.succeededFuture();
  }
}
