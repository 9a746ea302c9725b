package dev.bulwark.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.PrometheusText;
import dev.bulwark.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Allocation per route over real HTTP: the bytes a sampled request allocates on its event loop, by route template, in
 * {@code /admin/status} {@code allocations} and {@code /metrics}; sampled one request in {@code
 * leaks.allocationSampling} per event loop, none at 0.
 */
class AllocationSamplingTest {

  private static final int MIB = 1 << 20;

  /** {@code GET /alloc/:kib} allocates (and touches) that many KiB synchronously before it answers. */
  static final class AllocatingRoutes implements RouteModule {
    @Override
    public void mount(Router router, Context context) {
      router.get("/alloc/:kib").handler(ctx -> {
        byte[] bytes = new byte[Integer.parseInt(ctx.pathParam("kib")) * 1024];
        for (int i = 0; i < bytes.length; i += 4096) {
          bytes[i] = (byte) i;
        }
        ctx.response().end(Integer.toString(bytes.length + bytes[bytes.length - 4096]));
      });
    }
  }

  private static TestServer start(int sampling) throws Exception {
    return TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("instances", 1))
        .put("leaks", new JsonObject().put("allocationSampling", sampling)),
        () -> List.of(new AllocatingRoutes()));
  }

  /** Each route's figures once the samples of {@code done} are in (the end is recorded just after the answer). */
  private static Map<String, JsonObject> routes(TestServer server, Predicate<Map<String, JsonObject>> done)
      throws Exception {
    JsonObject status = server.awaitStatus(s -> done.test(byRoute(s.getJsonObject("allocations"))));
    return byRoute(status.getJsonObject("allocations"));
  }

  private static Map<String, JsonObject> byRoute(JsonObject allocations) {
    return allocations.getJsonArray("routes").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(r -> r.getString("route"), r -> r));
  }

  private static long samples(Map<String, JsonObject> routes, String route) {
    JsonObject r = routes.get(route);
    return r == null ? 0 : r.getLong("samples");
  }

  @Test
  void aRouteAllocatingAMebibytePerRequestShowsAtLeastThatAndHelloFarLessUnderTheirTemplates() throws Exception {
    try (TestServer server = start(1)) {
      for (int i = 0; i < 5; i++) {
        assertThat(server.get("/alloc/1024").statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 20; i++) {
        assertThat(server.get("/hello").statusCode()).isEqualTo(200);
      }
      Map<String, JsonObject> routes = routes(server,
          r -> samples(r, "/alloc/:kib") == 5 && samples(r, "/hello") == 20);
      JsonObject alloc = routes.get("/alloc/:kib");
      JsonObject hello = routes.get("/hello");
      assertThat(alloc.getLong("bytesPerRequest")).isGreaterThanOrEqualTo(MIB);
      assertThat(alloc.getLong("maxBytes")).isGreaterThanOrEqualTo(alloc.getLong("bytesPerRequest"));
      assertThat(hello.getLong("bytesPerRequest")).as("hello: %s", hello)
          .isLessThan(alloc.getLong("bytesPerRequest") / 16);
      assertThat(routes.keySet()).as("templates, never raw paths").noneMatch(r -> r.contains("1024"));
      JsonObject allocations = server.status().getJsonObject("allocations");
      assertThat(allocations.getInteger("sampling")).isEqualTo(1);
      assertThat(allocations.getJsonArray("routes").getJsonObject(0).getString("route"))
          .as("heaviest first").isEqualTo("/alloc/:kib");
    }
  }

  @Test
  void theMetersShowEachRouteTemplateInTheScrape() throws Exception {
    try (TestServer server = start(1)) {
      assertThat(server.get("/cache/nosuch/some-key").statusCode()).isEqualTo(404);
      assertThat(server.get("/alloc/256").statusCode()).isEqualTo(200);
      routes(server, r -> samples(r, "/cache/:name/:key") == 1 && samples(r, "/alloc/:kib") == 1);
      String scrape = server.get("/metrics").body();
      PrometheusText.validate(scrape);
      assertThat(scrape)
          .contains("bulwark_request_allocated_bytes_total{route=\"/cache/:name/:key\"}")
          .contains("bulwark_request_allocation_samples_total{route=\"/alloc/:kib\"} 1.0")
          .contains("bulwark_request_allocated_max_bytes{route=\"/alloc/:kib\"}")
          .doesNotContain("route=\"/cache/nosuch/some-key\"");
    }
  }

  @Test
  void oneRequestInNIsMeasuredPerEventLoop() throws Exception {
    try (TestServer server = start(4)) {
      for (int i = 0; i < 12; i++) {
        assertThat(server.get("/hello").statusCode()).isEqualTo(200);
      }
      assertThat(samples(routes(server, r -> samples(r, "/hello") >= 3), "/hello")).isEqualTo(3);
    }
  }

  @Test
  void samplingZeroMeasuresNothingAndRegistersNoMeter() throws Exception {
    try (TestServer server = start(0)) {
      for (int i = 0; i < 5; i++) {
        assertThat(server.get("/alloc/64").statusCode()).isEqualTo(200);
      }
      JsonObject allocations = server.status().getJsonObject("allocations");
      assertThat(allocations.getInteger("sampling")).isZero();
      assertThat(allocations.getJsonArray("routes")).isEqualTo(new JsonArray());
      assertThat(server.get("/metrics").body()).doesNotContain("bulwark_request_alloc");
    }
  }

  @Test
  void aJvmThatCannotCountAllocationPerThreadTurnsSamplingOffWithOneInfoLine() throws Exception {
    ThreadMXBean unsupported = (ThreadMXBean) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {com.sun.management.ThreadMXBean.class},
        (proxy, method, args) -> method.getReturnType() == boolean.class ? Boolean.FALSE : null);
    RouteAllocations[] made = new RouteAllocations[1];
    List<ILoggingEvent> log = CapturedLog.during(() ->
        made[0] = RouteAllocations.create(new SimpleMeterRegistry(), 2, 100, unsupported));
    assertThat(made[0].enabled()).isFalse();
    assertThat(made[0].toJson().getInteger("sampling")).isZero();
    assertThat(made[0].toJson().getString("unavailable")).contains("cannot count");
    List<ILoggingEvent> ours = log.stream().filter(e -> e.getLoggerName().equals(RouteAllocations.class.getName()))
        .toList();
    assertThat(ours).singleElement().satisfies(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.INFO);
      assertThat(e.getFormattedMessage()).contains("Allocation per route is off");
    });
  }
}
