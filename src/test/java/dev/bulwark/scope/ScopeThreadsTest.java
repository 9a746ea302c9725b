package dev.bulwark.scope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A request scope is used from its event loop: what other threads may do with it, and what they read of it. */
class ScopeThreadsTest {

  private static final long TIMEOUT_S = 10;

  /** {@code GET /foreign}: a registration released from a worker thread first, then from the event loop. */
  static final class ForeignRelease implements RouteModule {
    final AtomicInteger undone = new AtomicInteger();

    @Override
    public void mount(Router router, Context context) {
      router.get("/foreign").handler(ctx -> {
        Registration registration = RequestScope.of(ctx).register(undone::incrementAndGet);
        context.vertx().executeBlocking(() -> {
          try {
            registration.release();
            return "released";
          } catch (IllegalStateException refused) {
            return "refused";
          }
        }).onSuccess(fromWorker -> { // back on the event loop
          JsonObject answer = new JsonObject().put("fromWorker", fromWorker)
              .put("undoneByWorker", undone.get()).put("releasedByWorker", registration.released());
          registration.release();
          ctx.json(answer.put("undone", undone.get()));
        });
      });
    }
  }

  @Test
  void aRequestScopesRegistrationIsReleasedFromItsEventLoopOnly() throws Exception {
    ForeignRelease module = new ForeignRelease();
    try (TestServer server = TestServer.start(new JsonObject(), () -> List.of(module))) {
      JsonObject answer = new JsonObject(server.get("/foreign").body());
      assertThat(answer.getString("fromWorker")).isEqualTo("refused");
      assertThat(answer.getInteger("undoneByWorker")).as("nothing ran on the worker").isZero();
      assertThat(answer.getBoolean("releasedByWorker")).isFalse();
      assertThat(answer.getInteger("undone")).as("released once, from the event loop").isEqualTo(1);
      server.awaitStatus(s -> s.getJsonObject("scopes").getJsonObject("outstanding").getLong("listeners") == 0);
      assertThat(module.undone).hasValue(1);
    }
  }

  /**
   * One thread counts as an event loop does: a scope opened and kept open, then a million opened and released; another
   * reads the open count meanwhile and must never see that scope missing.
   */
  @Test
  void theOpenCountNeverMissesAScopeThatStaysOpen() throws Exception {
    ScopeCounters counters = new ScopeCounters(BulwarkConfig.defaults().scope());
    LoopCounters loop = counters.newLoop();
    loop.opened(); // the scope that stays open
    AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
    CompletableFuture<Void> churn = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 1_000_000; i++) {
        loop.opened();
        loop.released(ReleaseReason.END);
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (!churn.isDone() && System.nanoTime() < deadline) {
      lowest.accumulateAndGet(counters.open(), Math::min);
    }
    churn.get(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(lowest.get()).as("fewest open scopes read while one stayed open").isGreaterThanOrEqualTo(1);
    assertThat(counters.open()).isEqualTo(1);
  }
}
