package io.flowcast.bus;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * One entry of a tenant's feed ({@code GET /api/v1/feed}) on its way to local streams
 * ({@link Addresses#SSE_FEED}): a workflow was created, changed (a new version or status), deleted or
 * expired. Not the state: the feed stays cheap at thousands of changes a second. Travels inside the JVM
 * as itself ({@link #LOCAL}).
 *
 * @param version   the workflow's version after the change (its last one for a deletion or expiry)
 * @param status    its status after the change; null for an expiry (the state is gone)
 * @param updatedAt when it last changed (ISO-8601); null for an expiry
 */
public record FeedChange(String tenant, String id, String type, long version, String status, String updatedAt) {
  public static final String CREATED = "workflow.created";
  public static final String CHANGED = "workflow.changed";
  public static final String DELETED = "workflow.deleted";
  public static final String EXPIRED = "workflow.expired";

  private static final String CODEC = "flowcast.feed-change";
  public static final DeliveryOptions LOCAL = LocalCodec.options(CODEC);

  public static void register(io.vertx.core.Vertx vertx) {
    LocalCodec.register(vertx, CODEC);
  }

  /** Whether the workflow is gone after this change. */
  public boolean ends() {
    return type.equals(DELETED) || type.equals(EXPIRED);
  }

  /**
   * The newer of two changes of one workflow that a slow client has not been sent yet (this one the
   * older): a workflow created and then changed is still new to the client, so it stays a creation.
   */
  public FeedChange then(FeedChange newer) {
    if (type.equals(CREATED) && newer.type.equals(CHANGED)) {
      return new FeedChange(tenant, id, CREATED, newer.version, newer.status, newer.updatedAt);
    }
    return newer;
  }

  /** {@code {"id", "version", "status", "updated_at"}} (status and time left out when unknown). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("version", version);
    if (status != null) {
      json.put("status", status);
    }
    if (updatedAt != null) {
      json.put("updated_at", updatedAt);
    }
    return json;
  }
}
