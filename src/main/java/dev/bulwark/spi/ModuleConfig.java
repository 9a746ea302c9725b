package dev.bulwark.spi;

import java.time.Duration;
import java.util.Map;

/**
 * A module's own settings ({@code modules.<name>}), with the types and ranges its {@link RouteModule#declare} gave
 * them, checked at start: reading one never fails for a key that was declared.
 */
public final class ModuleConfig {

  private final String name;
  private final Map<String, Object> values;

  public ModuleConfig(String name, Map<String, Object> values) {
    this.name = name;
    this.values = Map.copyOf(values);
  }

  public String string(String key) {
    return get(key, String.class);
  }

  public boolean bool(String key) {
    return get(key, Boolean.class);
  }

  public int integer(String key) {
    return get(key, Integer.class);
  }

  /** A size in bytes. */
  public long size(String key) {
    return get(key, Long.class);
  }

  public Duration duration(String key) {
    return get(key, Duration.class);
  }

  public double number(String key) {
    return get(key, Double.class);
  }

  private <T> T get(String key, Class<T> type) {
    Object value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("modules." + name + "." + key + " was not declared by the module's declare()");
    }
    return type.cast(value);
  }
}
