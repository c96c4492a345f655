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

  /**
   * The merge patch that turns {@code from} into {@code to}: {@code apply(from, diff(from, to))} equals
   * {@code to}, except where {@code to} holds a null value, which a merge patch cannot express (it removes the
   * key instead). Objects are compared member by member; any other change (an array included) is replaced whole.
   */
  public static JsonObject diff(JsonObject from, JsonObject to) {
    JsonObject patch = new JsonObject();
    for (String name : from.fieldNames()) {
      if (!to.containsKey(name)) {
        patch.putNull(name);
      }
    }
    for (Map.Entry<String, Object> entry : to) {
      String name = entry.getKey();
      Object target = entry.getValue();
      Object source = from.getValue(name);
      if (target instanceof JsonObject t && source instanceof JsonObject s) {
        JsonObject inner = diff(s, t);
        if (!inner.isEmpty()) {
          patch.put(name, inner);
        }
      } else if (!from.containsKey(name) ? target != null : !sameJson(source, target)) {
        patch.put(name, copyValue(target));
      }
    }
    return patch;
  }

  /** JSON equality (Vert.x's, which compares numbers by value whatever their Java type). */
  private static boolean sameJson(Object a, Object b) {
    return new JsonObject().put("v", a).equals(new JsonObject().put("v", b));
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
