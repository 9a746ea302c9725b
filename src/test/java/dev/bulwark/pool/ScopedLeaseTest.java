package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.scope.RequestScope;
import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A lease taken through a request's scope goes back to the pool however the request ends: answered, client gone,
 * timed out, handler failed, or granted only after the request ended. After each test no lease is out.
 */
class ScopedLeaseTest {

  private static TestServer server;
  private static volatile ConnectionPool<FakeFactory.Conn> pool;

  /** {@code GET /lease?answer=end|never|throw}: leases a connection through the scope, then ends as asked. */
  private static final RouteModule LEASES = new RouteModule() {
    @Override
    public void mount(Router router, Context context) {
      synchronized (ScopedLeaseTest.class) {
        if (pool == null) {
          pool = ConnectionPool.create(context.vertx(), new PoolOptions().setMaxSize(1)
              .setAcquireTimeout(Duration.ofSeconds(5)), new FakeFactory(), "scoped");
        }
      }
      router.get("/lease").handler(ctx -> RequestScope.of(ctx).lease(pool).onSuccess(lease -> {
        switch (ctx.queryParams().get("answer")) {
          case "end" -> ctx.response().end("leased " + lease.connection().id);
          case "throw" -> ctx.fail(new IllegalStateException("handler failed while holding a lease"));
          default -> { } // never answers
        }
      }).onFailure(e -> ApiError.fail(ctx, e)));
    }
  };

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject().put("http", new JsonObject().put("requestTimeout", "300ms")),
        () -> List.of(LEASES));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @AfterEach
  void everyLeaseCameBack() throws Exception {
    await(() -> pool.active() == 0, "leases still out: " + pool.toJson());
    server.awaitStatus(s -> s.getJsonObject("scopes").getJsonObject("outstanding").getLong("leases") == 0);
  }

  private static void await(BooleanSupplier check, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!check.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void returnedWhenTheResponseEnds() throws Exception {
    assertThat(server.get("/lease?answer=end").body()).startsWith("leased ");
  }

  @Test
  void returnedWhenTheClientGoesAway() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /lease?answer=never HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await(() -> pool.active() == 1, "the lease was never taken");
    }
  }

  @Test
  void returnedWhenTheRequestTimesOut() throws Exception {
    assertThat(server.get("/lease?answer=never").statusCode()).isEqualTo(503);
  }

  @Test
  void returnedWhenTheHandlerFails() throws Exception {
    int[] status = new int[1];
    CapturedLog.instead(() -> status[0] = server.get("/lease?answer=throw").statusCode());
    assertThat(status[0]).isEqualTo(500);
  }

  @Test
  void aLeaseGrantedAfterTheRequestEndedIsGivenBackAtOnce() throws Exception {
    long lateBefore = server.status().getJsonObject("scopes").getLong("lateAcquisitions");
    Lease<FakeFactory.Conn> held = pool.acquire().await();
    assertThat(server.get("/lease?answer=end").statusCode()).as("timed out waiting for the pool").isEqualTo(503);
    held.release();
    server.awaitStatus(s -> s.getJsonObject("scopes").getLong("lateAcquisitions") == lateBefore + 1);
  }
}
