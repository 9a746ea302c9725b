package dev.bulwark.config;

/**
 * A configuration that cannot be used. Its message is one line that names the key, the value given and what is
 * allowed, fit to print as it is; the server refuses to start with it.
 */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
