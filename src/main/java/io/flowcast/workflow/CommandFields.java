package io.flowcast.workflow;

import io.flowcast.bus.ApiException;
import io.vertx.core.json.JsonObject;

/**
 * The fields every workflow command carries ({@code tenant}, {@code id}, {@code actor},
 * {@code request_id}; docs/EVENTBUS.md), read and checked the same way by every command handler.
 */
public final class CommandFields {
  private CommandFields() {
  }

  public static WorkflowKey key(JsonObject body) {
    String id = body.getString("id");
    if (!Ids.valid(id)) {
      throw ApiException.badRequest("workflow id must be " + Ids.rule());
    }
    return new WorkflowKey(tenant(body), id);
  }

  public static String tenant(JsonObject body) {
    String tenant = body.getString("tenant");
    if (!Ids.valid(tenant)) {
      throw ApiException.badRequest("tenant must be " + Ids.rule());
    }
    return tenant;
  }

  public static Actor actor(JsonObject body) {
    return new Actor(body.getString("actor"), body.getString("request_id"),
        IdempotencyClaim.fromJson(body.getJsonObject("idempotency")));
  }

  /** An identifier field (section id, label, action id) that must match {@link Ids#rule()}. */
  public static String id(JsonObject body, String field, String what) {
    Object value = body.getValue(field);
    if (!(value instanceof String s) || !Ids.valid(s)) {
      throw ApiException.badRequest(what + " must be " + Ids.rule());
    }
    return s;
  }

  public static int limit(JsonObject body, int defaultLimit, int max) {
    Integer limit = body.getInteger("limit");
    if (limit == null) {
      return defaultLimit;
    }
    if (limit < 1 || limit > max) {
      throw ApiException.badRequest("limit must be from 1 to " + max);
    }
    return limit;
  }
}
