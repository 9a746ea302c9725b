package dev.bulwark.routes;

import dev.bulwark.RouteModule;
import java.util.List;

/** Bulwark's own route groups, mounted before users' modules; each call makes fresh instances for one event loop. */
public final class BuiltInRoutes {

  private BuiltInRoutes() {
  }

  public static List<RouteModule> create() {
    return List.of(new HelloRoutes(), new DemoRoutes());
  }
}
