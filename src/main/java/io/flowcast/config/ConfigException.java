package io.flowcast.config;

/** A configuration value is missing or invalid; the message names the setting. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String key, String problem) {
    super("invalid configuration '" + key + "' (env " + ConfigLoader.envName(key) + "): " + problem);
  }
}
