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

  /** A problem that is not about one setting, e.g. an unreadable config file. */
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
