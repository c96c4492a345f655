package io.flowcast.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds the effective flat configuration: the defaults of {@code conf/config.json} (shipped in the jar),
 * then an optional file named by {@code FLOWCAST_CONFIG}, then the deployment config, then
 * {@code FLOWCAST_*} environment variables. Only keys present in the defaults exist; an override's
 * value is converted to the type of the default, so a bad value fails here, naming the key.
 */
public final class ConfigLoader {
  static final String DEFAULTS_RESOURCE = "conf/config.json";
  private static final String ENV_PREFIX = "FLOWCAST_";

  private ConfigLoader() {
  }

  public static String envName(String key) {
    return ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  public static JsonObject defaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
    }
  }

  /**
   * The typed configuration of defaults, the optional config file, {@code overrides} and the environment; a
   * value that fails validation is named by where it was set: the file and its key, the deployment config,
   * or the environment variable (also for checks that only the merged whole allows, such as ranges).
   */
  public static FlowcastConfig config(JsonObject overrides, Map<String, String> env) {
    return config(overrides, env, config -> { });
  }

  /**
   * The same, with {@code checks} of the typed configuration made elsewhere (the token verifier's keys, say)
   * whose {@link ConfigException}s are named by where their key was set too.
   */
  public static FlowcastConfig config(JsonObject overrides, Map<String, String> env,
      Consumer<FlowcastConfig> checks) {
    Map<String, String> origins = new HashMap<>();
    JsonObject merged = merge(overrides, env, origins);
    try {
      FlowcastConfig config = FlowcastConfig.from(merged);
      checks.accept(config);
      return config;
    } catch (ConfigException e) {
      throw e.setIn(origins.get(e.key()));
    }
  }

  /** Merges defaults, the optional config file, {@code overrides} and the environment, in that order. */
  public static JsonObject load(JsonObject overrides, Map<String, String> env) {
    return merge(overrides, env, new HashMap<>());
  }

  /** The merge; {@code origins} gets, for each key set, where its value comes from (null: the environment). */
  private static JsonObject merge(JsonObject overrides, Map<String, String> env, Map<String, String> origins) {
    JsonObject defaults = defaults();
    JsonObject merged = defaults.copy();
    String file = env.get("FLOWCAST_CONFIG");
    if (file != null && !file.isBlank()) {
      applyOverrides(defaults, merged, readFile(Path.of(file)), "file " + file, origins);
    }
    if (overrides != null) {
      applyOverrides(defaults, merged, overrides, "deployment config", origins);
    }
    for (String key : defaults.fieldNames()) {
      String value = env.get(envName(key));
      if (value != null) {
        merged.put(key, convert(key, defaults.getValue(key), value, null));
        origins.remove(key);
      }
    }
    return merged;
  }

  /**
   * A warning for each {@code FLOWCAST_*} variable that names no setting (a typo is otherwise ignored
   * without a word), with the closest real one. {@code FLOWCAST_CONFIG} and the test suite's
   * {@code FLOWCAST_TEST_*} are not settings and not warned about.
   */
  public static List<String> unknownVariables(Map<String, String> env) {
    List<String> names = defaults().fieldNames().stream().map(ConfigLoader::envName).sorted().toList();
    List<String> warnings = new ArrayList<>();
    env.keySet().stream().sorted().forEach(variable -> {
      if (variable.startsWith(ENV_PREFIX) && !names.contains(variable) && !variable.equals("FLOWCAST_CONFIG")
          && !variable.startsWith(ENV_PREFIX + "TEST_")) {
        String closest = names.stream().min(Comparator.comparingInt(name -> distance(variable, name))).orElse("");
        warnings.add(variable + " names no setting and is ignored; did you mean " + closest + "?");
      }
    });
    return warnings;
  }

  /** Levenshtein distance: the fewest single-character edits from {@code a} to {@code b}. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static JsonObject readFile(Path path) {
    try {
      return new JsonObject(Files.readString(path));
    } catch (IOException | DecodeException e) {
      throw new ConfigException("invalid configuration file (FLOWCAST_CONFIG): cannot read " + path + ": "
          + e.getMessage());
    }
  }

  private static void applyOverrides(JsonObject defaults, JsonObject merged, JsonObject overrides, String source,
      Map<String, String> origins) {
    for (Map.Entry<String, Object> entry : overrides) {
      String key = entry.getKey();
      if (!defaults.containsKey(key)) {
        throw new ConfigException(key, "unknown setting in " + source);
      }
      Object value = entry.getValue();
      merged.put(key, value instanceof String s ? convert(key, defaults.getValue(key), s, source) : value);
      origins.put(key, source);
    }
  }

  /** {@code source} is where the value was set (e.g. {@code file x.json}); null for the environment. */
  private static Object convert(String key, Object defaultValue, String raw, String source) {
    String text = raw.trim();
    try {
      if (defaultValue instanceof Boolean) {
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
          throw ConfigException.at(key, source, "expected true or false, got '" + raw + "'");
        }
        return Boolean.parseBoolean(text);
      }
      if (defaultValue instanceof Integer || defaultValue instanceof Long) {
        return Long.parseLong(text);
      }
      if (defaultValue instanceof JsonObject) {
        return new JsonObject(text);
      }
      if (defaultValue instanceof io.vertx.core.json.JsonArray) {
        return new io.vertx.core.json.JsonArray(text);
      }
    } catch (NumberFormatException e) {
      throw ConfigException.at(key, source, "expected an integer, got '" + raw + "'");
    } catch (DecodeException e) {
      throw ConfigException.at(key, source, "expected JSON (" + (defaultValue instanceof JsonObject ? "an object"
          : "an array") + "), got something that does not parse");
    }
    return raw;
  }
}
