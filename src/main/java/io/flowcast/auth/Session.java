package io.flowcast.auth;

import io.vertx.core.json.JsonObject;

/**
 * One login: the family of refresh tokens it produced shares this id, which is also the {@code sid}
 * of its access tokens, so revoking the session ends all of them.
 */
public record Session(String sid, String subject, String tenant, String scope, String clientId) {

  public JsonObject toJson() {
    return new JsonObject().put("sid", sid).put("sub", subject).put("tenant", tenant).put("scope", scope)
        .put("client", clientId);
  }

  public static Session fromJson(JsonObject json) {
    return new Session(json.getString("sid"), json.getString("sub"), json.getString("tenant"),
        json.getString("scope"), json.getString("client"));
  }
}
