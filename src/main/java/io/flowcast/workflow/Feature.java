package io.flowcast.workflow;

import io.vertx.core.Vertx;

/**
 * A capability kept beside workflows (review drafts, snapshots, actions). {@code MainVerticle} builds each
 * from the backend's parts and hands the list to the workflow verticle, which registers them when it
 * starts: their commands then run on its event loop like the core's, and every change they make passes
 * through the same handoff (fan-out, durable record). The core knows features only by this interface.
 */
public interface Feature {

  /** Serves the feature's event-bus commands; every change goes through {@code handoff} before it is answered. */
  void register(Vertx vertx, MutationHandoff handoff);
}
