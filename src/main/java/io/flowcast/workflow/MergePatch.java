package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/** JSON Merge Patch, RFC 7396, on JSON objects. */
public final class MergePatch {
  private MergePatch() {
  }

  /** Returns a new object: {@code target} with {@code patch} applied. Neither argument is modified. */
  public static JsonObject apply(JsonObject target, JsonObject patch) {
    JsonObject result = target == null ? new JsonObject() : target.copy();
    for (Map.Entry<String, Object> entry : patch) {
      Object value = entry.getValue();
      if (value == null) {
        result.remove(entry.getKey());
      } else if (value instanceof JsonObject patchObject) {
        Object current = result.getValue(entry.getKey());
        result.put(entry.getKey(), apply(current instanceof JsonObject o ? o : null, patchObject));
      } else {
        result.put(entry.getKey(), copyValue(value));
      }
    }
    return result;
  }

  private static Object copyValue(Object value) {
    if (value instanceof JsonObject o) {
      return o.copy();
    }
    if (value instanceof io.vertx.core.json.JsonArray a) {
      return a.copy();
    }
    return value;
  }
}
