package dev.bulwark.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.TestServer;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A module's own meters are scraped with Bulwark's, and a tag a module fills carelessly stays bounded. */
class ModuleMetersTest {

  /** Tags a counter with the raw path, the classic mistake that grows a registry until the process dies. */
  static final class CarelessModule implements RouteModule {
    @Override
    public void mount(Router router, Context context) {
      router.get("/careless/*").handler(ctx -> {
        Counter.builder("careless.hits").tag("path", ctx.request().path()).register(context.meterRegistry())
            .increment();
        ctx.response().end("ok");
      });
    }
  }

  @Test
  void aModuleTaggingRawPathsStopsAtMaxTagValues() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put("metrics", new JsonObject().put("maxTagValues", 32)),
        () -> List.of(new CarelessModule()))) {
      CapturedLog.instead(() -> {
        for (int i = 0; i < 40; i++) {
          assertThat(server.get("/careless/" + i).statusCode()).isEqualTo(200);
        }
        return null;
      });
      List<String> series = server.get("/metrics").body().lines().filter(l -> l.startsWith("careless_hits_total{"))
          .toList();
      assertThat(series).hasSize(33).contains("careless_hits_total{path=\"other\"} 8.0");
      assertThat(server.get("/metrics").body()).contains("bulwark_metrics_tag_values_folded_total 8.0");
    }
  }
}
