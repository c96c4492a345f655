package io.flowcast.bench;

import io.vertx.core.Future;

/** How a fan-out subscriber receives its workflow's events: an SSE stream, or a bridge registration. */
interface EventStream {
  /** Opens it; a refusal is counted in {@code errors} by status or kind, and fails the future. */
  Future<Void> open(ErrorCounts errors);

  boolean ended();

  Future<Void> close();
}
