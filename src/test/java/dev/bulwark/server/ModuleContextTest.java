package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A user's module can do what Bulwark's own routes do: critical paths, streamed bodies, budgeted body reads. */
class ModuleContextTest {

  private static TestServer server;
  private static Path inject;

  /** A module as a user would write it, declaring what it needs through its context. */
  static final class OrdersModule implements RouteModule {
    @Override
    public String name() {
      return "orders";
    }

    @Override
    public void mount(Router router, Context context) {
      context.critical("/orders");
      context.streamedBody("/bulk", 4L << 20);
      router.get("/orders/:id").handler(ctx -> ctx.json(new JsonObject().put("id", ctx.pathParam("id"))));
      router.get("/ordersX").handler(ctx -> ctx.response().end("x"));
      router.post("/orders/notes").handler(ctx -> context.bodies().read(ctx, 1000)
          .onSuccess(b -> ctx.json(new JsonObject().put("bytes", b.length())))
          .onFailure(e -> ApiError.fail(ctx, e)));
      router.post("/bulk").handler(ctx -> ctx.request().body()
          .onSuccess(b -> ctx.json(new JsonObject().put("bytes", b.length())))
          .onFailure(e -> ApiError.fail(ctx, e)));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    inject = Files.createTempDirectory("bulwark-module").resolve("pressure");
    server = TestServer.start(new JsonObject().put("memory", new JsonObject().put("injectFile", inject.toString())
        .put("sampleInterval", "20ms").put("minDwell", "0s").put("gcProbeInterval", "0s")),
        () -> List.of(new OrdersModule()));
  }

  @AfterAll
  static void stop() throws Exception {
    Files.deleteIfExists(inject);
    server.close();
  }

  @Test
  void aDeclaredCriticalPathIsServedUnderCriticalPressureAndItsLookalikeIsShed() throws Exception {
    Files.writeString(inject, "0.95");
    try {
      server.awaitStatus(s -> s.getJsonObject("pressure").getString("level").equals("CRITICAL"));
      assertThat(server.get("/orders/7").statusCode()).isEqualTo(200);
      assertThat(server.get("/ordersX").statusCode()).isEqualTo(503);
    } finally {
      Files.deleteIfExists(inject);
      server.awaitStatus(s -> s.getJsonObject("pressure").getString("level").equals("NORMAL"));
    }
  }

  @Test
  void aStreamedPathTakesItsOwnLimitInsteadOfTheOrdinaryOne() throws Exception {
    String body = "b".repeat(2 << 20);
    HttpResponse<String> bulk = server.post("/bulk", body);
    assertThat(bulk.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(bulk.body()).getInteger("bytes")).isEqualTo(2 << 20);
    String tooBig = RawHttp.exchange(server.port(),
        "POST /bulk HTTP/1.1\r\nHost: x\r\nContent-Length: 5242880\r\n\r\n", false);
    assertThat(tooBig).startsWith("HTTP/1.1 413");
  }

  @Test
  void bodiesReadThroughTheContextKeepTheRoutesLimitAndGiveTheirBudgetBack() throws Exception {
    HttpResponse<String> ok = server.post("/orders/notes", "n".repeat(500));
    assertThat(new JsonObject(ok.body()).getInteger("bytes")).isEqualTo(500);
    HttpResponse<String> over = server.post("/orders/notes", "n".repeat(1001));
    assertThat(over.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(over.body()).getLong("bytesLimit")).isEqualTo(1000);
    server.awaitStatus(s -> s.getJsonObject("budgets").getJsonObject("children").getJsonObject("bodies")
        .getLong("used") == 0);
  }

  @Test
  void theModuleAndItsRoutesAreListedWithItsSource() throws Exception {
    JsonObject orders = server.status().getJsonArray("modules").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("name").equals("orders")).findFirst().orElseThrow();
    assertThat(orders.getString("source")).isEqualTo("supplied");
    assertThat(orders.getJsonArray("routes").getList()).contains("GET /orders/:id", "POST /bulk");
  }
}
