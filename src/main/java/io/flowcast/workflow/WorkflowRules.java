package io.flowcast.workflow;

import io.flowcast.bus.ApiException;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.UUID;

/** Validates the bodies of workflow commands, whoever sends them, with details a client can act on. */
public final class WorkflowRules {
  private static final Set<String> CREATE_FIELDS = Set.of("id", "status", "state", "metadata", "ttl_seconds");
  private static final Set<String> PATCH_FIELDS = Set.of("status", "state", "metadata");
  private static final Set<String> EVENT_FIELDS = Set.of("type", "data", "parent_id", "metadata");

  private final int defaultTtlSeconds;
  private final int maxTtlSeconds;

  public WorkflowRules(int defaultTtlSeconds, int maxTtlSeconds) {
    this.defaultTtlSeconds = defaultTtlSeconds;
    this.maxTtlSeconds = maxTtlSeconds;
  }

  /** The id the create body names, or a new one. */
  public String idForCreate(JsonObject body) {
    Object id = body.getValue("id");
    if (id == null) {
      return "wf-" + UUID.randomUUID();
    }
    if (!(id instanceof String s) || !Ids.valid(s)) {
      throw ApiException.badRequest("id must be " + Ids.rule());
    }
    return s;
  }

  public NewWorkflow newWorkflow(JsonObject body) {
    onlyFields(body, CREATE_FIELDS, "a workflow");
    String status = body.getValue("status") == null ? WorkflowStatus.PENDING : status(body.getValue("status"));
    JsonObject state = object(body, "state");
    JsonObject metadata = object(body, "metadata");
    int ttl = defaultTtlSeconds;
    Object rawTtl = body.getValue("ttl_seconds");
    if (rawTtl != null) {
      if (!(rawTtl instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
          || n.doubleValue() < 1 || n.doubleValue() > maxTtlSeconds) {
        throw ApiException.badRequest("ttl_seconds must be an integer from 1 to " + maxTtlSeconds);
      }
      ttl = n.intValue();
    }
    return new NewWorkflow(status, state == null ? new JsonObject() : state,
        metadata == null ? new JsonObject() : metadata, ttl);
  }

  /** A merge patch may touch status, state and metadata; status is never removed, state and metadata stay objects. */
  public JsonObject patch(JsonObject patch) {
    if (patch == null) {
      throw ApiException.badRequest("the body must be a JSON object (a merge patch)");
    }
    onlyFields(patch, PATCH_FIELDS, "a workflow patch");
    if (patch.containsKey("status")) {
      status(patch.getValue("status"));
    }
    for (String field : new String[] {"state", "metadata"}) {
      if (patch.containsKey(field) && !(patch.getValue(field) instanceof JsonObject)) {
        throw ApiException.badRequest(field + " in a patch must be a JSON object (merge patch); "
            + "to remove keys, set them to null inside it");
      }
    }
    return patch;
  }

  public CustomEvent customEvent(JsonObject body) {
    if (body == null) {
      throw ApiException.badRequest("the body must be a JSON object {type, data, parent_id?, metadata?}");
    }
    onlyFields(body, EVENT_FIELDS, "an event");
    Object type = body.getValue("type");
    if (!(type instanceof String t) || !Ids.valid(t)) {
      throw ApiException.badRequest("type must be " + Ids.rule());
    }
    if (EventTypes.reserved(t)) {
      throw ApiException.badRequest("type '" + t + "' is a built-in event type; choose another name");
    }
    Object parent = body.getValue("parent_id");
    if (parent != null && (!(parent instanceof String p) || !Ids.valid(p))) {
      throw ApiException.badRequest("parent_id must be an event id (" + Ids.rule() + ")");
    }
    return new CustomEvent(t, body.getValue("data"), (String) parent, object(body, "metadata"));
  }

  private static String status(Object value) {
    if (!(value instanceof String s) || !WorkflowStatus.valid(s)) {
      throw ApiException.badRequest("status must be " + WorkflowStatus.describe() + ", got " + describe(value));
    }
    return s;
  }

  private static JsonObject object(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof JsonObject)) {
      throw ApiException.badRequest(field + " must be a JSON object, got " + describe(value));
    }
    return (JsonObject) value;
  }

  /**
   * Bodies arriving over the bus get the same depth limit as those arriving over HTTP, and no string
   * may hold U+0000, which PostgreSQL cannot store (the durable record must accept everything Redis did).
   */
  private static void shallow(JsonObject body) {
    if (JsonDepth.of(body) > JsonDepth.MAX) {
      throw ApiException.badRequest("the body is nested deeper than " + JsonDepth.MAX + " levels");
    }
    if (JsonDepth.hasNul(body)) {
      throw ApiException.badRequest("JSON strings may not contain U+0000");
    }
  }

  /**
   * A command body with no field outside {@code allowed}, within the depth limit and free of U+0000:
   * the one check every body of the workflow features goes through.
   */
  public static void onlyFields(JsonObject body, Set<String> allowed, String what) {
    shallow(body);
    for (String name : body.fieldNames()) {
      if (!allowed.contains(name)) {
        throw ApiException.badRequest("unknown field '" + clip(name) + "' in " + what + "; allowed: "
            + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return "'" + clip(s) + "'";
    }
    return value instanceof JsonObject ? "an object" : value instanceof io.vertx.core.json.JsonArray ? "an array"
        : value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  private static String clip(String s) {
    String safe = s.replaceAll("[\\p{Cntrl}]", "?");
    return safe.length() > 40 ? safe.substring(0, 40) + "..." : safe;
  }
}
