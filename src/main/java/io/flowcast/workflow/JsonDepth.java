package io.flowcast.workflow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;

/**
 * Nesting depth of JSON values, measured without recursion. Deeply nested values are refused at the
 * edge: encoding, copying and merging them recurse, and a few hundred levels would exhaust a stack.
 */
public final class JsonDepth {
  /** The deepest nesting accepted in bodies, state, metadata and event data. */
  public static final int MAX = 64;

  private JsonDepth() {
  }

  public static int of(Object root) {
    ArrayDeque<Object> values = new ArrayDeque<>();
    ArrayDeque<Integer> depths = new ArrayDeque<>();
    values.push(root);
    depths.push(1);
    int max = 0;
    while (!values.isEmpty()) {
      Object value = values.pop();
      int depth = depths.pop();
      if (!(value instanceof JsonObject) && !(value instanceof JsonArray)) {
        continue;
      }
      max = Math.max(max, depth);
      Iterable<?> children = value instanceof JsonObject o ? o.getMap().values() : ((JsonArray) value).getList();
      for (Object child : children) {
        if (child instanceof JsonObject || child instanceof JsonArray
            || child instanceof java.util.Map || child instanceof java.util.List) {
          values.push(child instanceof java.util.Map<?, ?> m ? new JsonObject(cast(m))
              : child instanceof java.util.List<?> l ? new JsonArray(l) : child);
          depths.push(depth + 1);
        }
      }
    }
    return max;
  }

  /** True when a key or string anywhere in the value holds U+0000 (which PostgreSQL cannot store). */
  public static boolean hasNul(Object root) {
    ArrayDeque<Object> values = new ArrayDeque<>();
    values.push(root);
    while (!values.isEmpty()) {
      Object value = values.pop();
      if (value instanceof CharSequence text) {
        if (text.toString().indexOf('\u0000') >= 0) {
          return true;
        }
      } else if (value instanceof JsonObject || value instanceof java.util.Map) {
        java.util.Map<?, ?> map = value instanceof JsonObject o ? o.getMap() : (java.util.Map<?, ?>) value;
        for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
          values.push(String.valueOf(entry.getKey()));
          if (entry.getValue() != null) {
            values.push(entry.getValue());
          }
        }
      } else if (value instanceof JsonArray || value instanceof java.util.List) {
        for (Object item : value instanceof JsonArray a ? a.getList() : (java.util.List<?>) value) {
          if (item != null) {
            values.push(item);
          }
        }
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static java.util.Map<String, Object> cast(java.util.Map<?, ?> map) {
    return (java.util.Map<String, Object>) map;
  }
}
