package io.flowcast.config;

/**
 * A configuration value is missing or invalid; the message names the setting. It carries no stack trace:
 * the start fails with the message alone, which says what to fix.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String key, String problem) {
    super("invalid configuration '" + key + "' (env " + ConfigLoader.envName(key) + "): " + problem, null, false,
        false);
  }

  /** A bad value set in {@code source} (e.g. {@code file x.json}); null for the environment variable. */
  static ConfigException at(String key, String source, String problem) {
    return source == null ? new ConfigException(key, problem)
        : new ConfigException("invalid configuration '" + key + "' (" + source + "): " + problem);
  }

  /** A problem that is not about one setting, e.g. an unreadable config file. */
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
