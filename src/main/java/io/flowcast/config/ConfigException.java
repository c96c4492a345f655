package io.flowcast.config;

/**
 * A configuration value is missing or invalid; the message names the setting and where it was set (the
 * config file and its key, the deployment config, or the environment variable). It carries no stack trace:
 * the start fails with the message alone, which says what to fix.
 */
public final class ConfigException extends RuntimeException {
  private final String key;
  private final String problem;

  /** A bad value of {@code key}, named by its environment variable (where a value not set anywhere is set). */
  public ConfigException(String key, String problem) {
    this(key, problem, "env " + ConfigLoader.envName(key));
  }

  private ConfigException(String key, String problem, String source) {
    super("invalid configuration '" + key + "' (" + source + "): " + problem, null, false, false);
    this.key = key;
    this.problem = problem;
  }

  /** A bad value set in {@code source} (e.g. {@code file x.json}); null for the environment variable. */
  static ConfigException at(String key, String source, String problem) {
    return source == null ? new ConfigException(key, problem) : new ConfigException(key, problem, source);
  }

  /** A problem that is not about one setting, e.g. an unreadable config file. */
  public ConfigException(String message) {
    super(message, null, false, false);
    this.key = null;
    this.problem = message;
  }

  /** The setting at fault, or null when the problem is not about one. */
  public String key() {
    return key;
  }

  /** The same problem, said of where its key's value was set ({@code source}; null: unchanged). */
  ConfigException setIn(String source) {
    return key == null || source == null ? this : new ConfigException(key, problem, source);
  }
}
