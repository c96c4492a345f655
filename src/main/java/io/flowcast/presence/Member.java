package io.flowcast.presence;

import io.flowcast.workflow.Times;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One watcher of a workflow, by token subject: present while any of its leases runs (a stream, a PUT); its
 * status is that of the lease whose status was set last (null: none), {@code joinedAt} when its oldest
 * running lease began.
 */
public record Member(String subject, String status, Instant joinedAt) {

  public JsonObject toJson() {
    return new JsonObject().put("subject", subject).put("status", status).put("joined_at", Times.format(joinedAt));
  }
}
