package io.flowcast.config;

/** A configuration value is missing or invalid; the message names the setting. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String key, String problem) {
    super("invalid configuration '" + key + "' (env " + ConfigLoader.envName(key) + "): " + problem);
  }

  /** A problem that is not about one setting, e.g. an unreadable config file. */
  public ConfigException(String message) {
    super(message);
  }
}
