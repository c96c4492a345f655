package io.flowcast.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one call of a workflow script, by name. A script declares its own arguments on one
 * line, {@code local arg = args('status', 'state', ...)} (see {@code _lib.lua}); {@link RedisScripts}
 * reads that line and puts each value in its place, and a name the script does not declare, or one it
 * declares and the call leaves out, fails the call before anything reaches Redis. A name ending in
 * {@code ...} takes a list; one that is not the last goes with its length in front.
 */
public final class ScriptArgs {
  private final Map<String, Object> values = new LinkedHashMap<>();

  public static ScriptArgs of() {
    return new ScriptArgs();
  }

  /** A value: a string, or a number or flag written as Lua reads it back with {@code tonumber}. */
  public ScriptArgs put(String name, Object value) {
    if (value == null) {
      throw new IllegalArgumentException("argument '" + name + "' is null; pass '' for none");
    }
    values.put(name, value instanceof Boolean b ? (b ? "1" : "0") : String.valueOf(value));
    return this;
  }

  /** The values of a list argument (declared {@code 'name...'}). */
  public ScriptArgs putList(String name, List<String> list) {
    values.put(name + "...", List.copyOf(list));
    return this;
  }

  /** The values in the order the script declares them. */
  List<String> inOrder(String script, List<String> names) {
    List<String> argv = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Object value = values.get(name);
      if (value == null) {
        throw new IllegalArgumentException("script " + script + ": argument '" + name + "' is missing");
      }
      if (value instanceof List<?> list) {
        if (i < names.size() - 1) {
          argv.add(String.valueOf(list.size()));
        }
        list.forEach(v -> argv.add((String) v));
      } else {
        argv.add((String) value);
      }
    }
    for (String given : values.keySet()) {
      if (!names.contains(given)) {
        throw new IllegalArgumentException("script " + script + " declares no argument '" + given + "'");
      }
    }
    return argv;
  }
}
