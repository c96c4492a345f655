package io.flowcast.fanout;

import io.flowcast.bus.EventDelivery;
import io.flowcast.bus.FeedChange;
import io.vertx.core.Future;

import java.util.Set;

/**
 * Carries committed events between instances. The backend publishes each event as it appends it (the
 * Redis scripts PUBLISH it; the in-memory store hands it to its local transport), so a transport only
 * subscribes and delivers. Only events of subscribed workflows are delivered.
 * Delivery is at most once; SSE streams detect gaps by {@code seq} and catch up from the event log,
 * and after a reconnect the transport asks them to catch up ({@link Listener#resync}).
 */
public interface EventTransport {

  /** What the transport reports to the fan-out verticle. */
  interface Listener {
    void event(EventDelivery event);

    /** Events of these workflows may have been lost (the transport was disconnected). */
    void resync(Set<String> workflows);

    /** The backend expired this workflow's state; completes once the expiry is announced. */
    default Future<Void> expired(String workflow) {
      return Future.succeededFuture();
    }

    /** An entry of a subscribed tenant's feed. */
    default void feed(FeedChange change) {
    }

    /** Feed entries of these tenants may have been lost (the transport was disconnected). */
    default void feedResync(Set<String> tenants) {
    }

    /** A session was revoked until the given epoch second (announced by the token service of any instance). */
    default void revoked(String sid, long untilEpochSecond) {
    }
  }

  String name();

  Future<Void> start(Listener listener);

  Future<Void> subscribe(String workflow);

  Future<Void> unsubscribe(String workflow);

  /** Starts delivering the feed of a tenant: a change of any of its workflows ({@link Listener#feed}). */
  Future<Void> subscribeFeed(String tenant);

  Future<Void> unsubscribeFeed(String tenant);

  Future<Void> close();
}
