package dev.bulwark.server;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.ModuleSource;
import dev.bulwark.spi.RouteModule;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The users' route modules: those listed as services on the class path, then those in each jar of
 * {@code modules.dir} (in name order), each jar in a class loader of its own. Found once at start; every event loop
 * then gets fresh instances.
 */
final class ModuleCatalog implements ModuleSource {

  private record Found(ServiceLoader.Provider<RouteModule> provider, String source) {
  }

  private final ClassLoader parent;
  private final List<Found> found = new ArrayList<>();

  ModuleCatalog(ClassLoader parent) {
    this.parent = parent;
  }

  /** Modules listed as services on the class path only. */
  static ModuleCatalog classPath() {
    ModuleCatalog catalog = new ModuleCatalog(ModuleCatalog.class.getClassLoader());
    catalog.load(catalog.parent, "classpath");
    return catalog;
  }

  @Override
  public synchronized Map<String, Declaration> modules(String modulesDir) throws ConfigException {
    found.clear();
    load(parent, "classpath");
    Path dir = Path.of(modulesDir);
    if (Files.isDirectory(dir)) {
      for (Path jar : jars(dir)) {
        try {
          URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, parent);
          load(loader, jar.toString());
        } catch (MalformedURLException | ServiceConfigurationError e) {
          throw new ConfigException("modules.dir: cannot load route modules from " + jar + ": " + e.getMessage());
        }
      }
    }
    Map<String, Declaration> declarations = new LinkedHashMap<>();
    for (Found f : found) {
      RouteModule module = f.provider().get();
      declarations.put(module.name(), module::declare);
    }
    return declarations;
  }

  private static List<Path> jars(Path dir) throws ConfigException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new ConfigException("modules.dir = \"" + dir + "\" cannot be listed: " + e.getMessage());
    }
  }

  /** Providers whose class comes from {@code loader} itself, not from its parent (listed once, from the class path). */
  private void load(ClassLoader loader, String source) {
    ServiceLoader.load(RouteModule.class, loader).stream()
        .filter(p -> p.type().getClassLoader() == loader || loader == parent)
        .forEach(p -> found.add(new Found(p, source)));
  }

  /** Fresh instances of every module, for one event loop, in the order found. */
  synchronized Supplier<List<RouteModule>> instances() {
    List<Found> all = List.copyOf(found);
    return () -> all.stream().map(f -> f.provider().get()).toList();
  }

  /** Where a module's class came from: {@code classpath} or its jar. */
  synchronized String sourceOf(RouteModule module) {
    for (Found f : found) {
      if (f.provider().type() == module.getClass()) {
        return f.source();
      }
    }
    return "supplied";
  }
}
