package io.flowcast.workflow;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A capability kept beside workflows (review drafts, snapshots, actions). {@code MainVerticle} builds each
 * from the backend's parts and hands the list to the workflow verticle, which registers them when it
 * starts: their commands then run on its event loop like the core's, and every change they make passes
 * through the same handoff (fan-out, durable record). The core knows features only by this interface.
 */
public interface Feature {

  /** Serves the feature's event-bus commands; every change goes through {@code handoff} before it is answered. */
  void register(Vertx vertx, MutationHandoff handoff);

  /**
   * The workflow was cancelled (docs/API.md, "Lifecycle"): what the feature ends with it (outputs close).
   * The cancel is answered once every feature is done; {@code command} is the cancel's.
   */
  default Future<Void> cancelled(WorkflowKey key, JsonObject command) {
    return Future.succeededFuture();
  }
}
