package io.flowcast.redis;

import io.flowcast.actions.Action;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.time.Instant;

/**
 * Reads an action as the Redis scripts store it: small metadata JSON (written by the scripts only) and
 * the client's payload, result and error as they came ('' for none), decoded here, never in Lua.
 */
final class StoredActions {
  private StoredActions() {
  }

  /** An action as a script replies it: its metadata, payload, result and error. */
  static Action parse(Response parts) {
    JsonObject m = new JsonObject(parts.get(0).toString());
    String lease = m.getString("lease_until");
    return new Action(m.getString("id"), m.getString("type"), json(parts.get(1)), m.getString("status"),
        m.getString("worker"), lease == null ? null : Instant.parse(lease), m.getInteger("attempts"),
        json(parts.get(2)), json(parts.get(3)), Instant.parse(m.getString("created_at")),
        Instant.parse(m.getString("updated_at")), m.getString("since"));
  }

  private static Object json(Response raw) {
    String text = raw == null ? "" : raw.toString();
    return text.isEmpty() ? null : Json.decodeValue(text);
  }
}
