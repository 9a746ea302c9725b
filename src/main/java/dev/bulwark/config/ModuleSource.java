package dev.bulwark.config;

import java.util.Map;

/**
 * Where the route modules to configure come from. Given {@code modules.dir}, it names each module and gives the call
 * that declares its keys in {@code modules.<name>}, so the start can reject a module's unknown key like any other.
 */
@FunctionalInterface
public interface ModuleSource {

  ModuleSource NONE = dir -> Map.of();

  /** Declares one module's keys by reading them from its section. */
  @FunctionalInterface
  interface Declaration {
    void declare(Section section) throws ConfigException;
  }

  /** The modules found for {@code modulesDir}, by name, in mount order. */
  Map<String, Declaration> modules(String modulesDir) throws ConfigException;
}
