package io.flowcast.actions;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.time.Instant;

/**
 * Reads an action as the Redis scripts store it: small metadata JSON (written by the scripts only) and
 * the client's payload, result and error as they came ('' for none), decoded here, never in Lua.
 */
public final class StoredActions {
  private StoredActions() {
  }

  /** The action whose four parts start at reply element {@code at}. */
  public static Action parse(Response reply, int at) {
    JsonObject m = new JsonObject(reply.get(at).toString());
    String lease = m.getString("lease_until");
    return new Action(m.getString("id"), m.getString("type"), json(reply.get(at + 1)), m.getString("status"),
        m.getString("worker"), lease == null ? null : Instant.parse(lease), m.getInteger("attempts"),
        json(reply.get(at + 2)), json(reply.get(at + 3)), Instant.parse(m.getString("created_at")),
        Instant.parse(m.getString("updated_at")), m.getString("since"));
  }

  private static Object json(Response raw) {
    String text = raw == null ? "" : raw.toString();
    return text.isEmpty() ? null : Json.decodeValue(text);
  }
}
