package io.flowcast.instances;

import io.vertx.core.json.JsonObject;

/**
 * What one instance says about itself in the registry (docs/API.md, "Instances"). Timestamps are RFC 3339
 * texts as elsewhere in the API.
 *
 * @param eventsPerSecond events this instance wrote to its SSE streams per second, over its last heartbeat
 * @param flushBacklog entries in the write buffer to PostgreSQL as this instance's flusher last read them,
 *     null when persistence is off
 */
public record InstanceRecord(String id, String version, String startedAt, String lastSeen, String address,
    long streams, double eventsPerSecond, Long flushBacklog) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("version", version).put("started_at", startedAt)
        .put("last_seen", lastSeen).put("address", address).put("streams", streams)
        .put("events_per_second", eventsPerSecond).put("flush_backlog", flushBacklog);
  }

  public static InstanceRecord fromJson(JsonObject json) {
    return new InstanceRecord(json.getString("id"), json.getString("version"), json.getString("started_at"),
        json.getString("last_seen"), json.getString("address"), json.getLong("streams", 0L),
        json.getDouble("events_per_second", 0.0), json.getLong("flush_backlog"));
  }
}
