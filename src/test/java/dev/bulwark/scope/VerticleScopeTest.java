package dev.bulwark.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.config.BulwarkConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class VerticleScopeTest {

  private final ScopeOptions options = BulwarkConfig.defaults().scope();
  private final ScopeCounters counters = new ScopeCounters(options);

  /** A verticle that takes a listener, a closeable and a periodic timer through its own scope. */
  private final class Owner extends VerticleBase {
    final AtomicInteger undone = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    VerticleScope scope;

    @Override
    public Future<?> start() {
      scope = VerticleScope.create(vertx, options, counters);
      scope.register(undone::incrementAndGet);
      scope.own(closed::incrementAndGet);
      scope.setPeriodic(10, id -> { });
      return Future.succeededFuture();
    }
  }

  @Test
  void releasesEverythingOnceWhenItsVerticleIsUndeployed(Vertx vertx) {
    Owner owner = new Owner();
    String id = vertx.deployVerticle(owner).await();
    assertThat(counters.verticleOutstanding(ResourceKind.TIMER)).isEqualTo(1);
    assertThat(counters.verticleOutstanding(ResourceKind.LISTENER)).isEqualTo(1);
    vertx.undeploy(id).await();
    assertThat(owner.undone).hasValue(1);
    assertThat(owner.closed).hasValue(1);
    assertThat(owner.scope.released()).isTrue();
    for (ResourceKind kind : ResourceKind.values()) {
      assertThat(counters.verticleOutstanding(kind)).as(kind.plural()).isZero();
    }
    assertThat(counters.released(ReleaseReason.UNDEPLOY)).isEqualTo(1);
    assertThatThrownBy(() -> owner.scope.register(() -> { })).isInstanceOf(ScopeClosedException.class);
  }

  @Test
  void earlyReleaseRunsTheUndoOnceAndTheScopeForgetsIt(Vertx vertx) {
    VerticleScope scope = VerticleScope.create(vertx, options, counters);
    AtomicInteger undone = new AtomicInteger();
    Registration r = scope.register(undone::incrementAndGet);
    r.release();
    r.release();
    scope.close();
    assertThat(undone).hasValue(1);
    assertThat(r.released()).isTrue();
    assertThat(counters.verticleOutstanding(ResourceKind.LISTENER)).isZero();
  }

  @Test
  void releasingAnOwnedFileOrCloseableClosesItOnceAndTheScopeForgetsIt(Vertx vertx) throws Exception {
    VerticleScope scope = VerticleScope.create(vertx, options, counters);
    java.nio.file.Path path = java.nio.file.Files.createTempFile("bulwark-release", ".txt");
    io.vertx.core.file.AsyncFile file = scope.openFile(path.toString(), new io.vertx.core.file.OpenOptions()).await();
    AtomicInteger closed = new AtomicInteger();
    AutoCloseable closeable = scope.own(closed::incrementAndGet);
    assertThat(counters.verticleOutstanding(ResourceKind.FILE)).isEqualTo(1);

    assertThat(scope.release(file)).isTrue();
    assertThat(scope.release(closeable)).isTrue();
    assertThat(scope.release(file)).as("no longer held").isFalse();
    assertThat(scope.release(new Object())).as("never held").isFalse();
    scope.close();

    assertThat(closed).as("closed once, not again when the scope ended").hasValue(1);
    assertThatThrownBy(() -> file.write(io.vertx.core.buffer.Buffer.buffer("x")).await())
        .as("the file was closed").isNotNull();
    assertThat(counters.verticleOutstanding(ResourceKind.FILE)).isZero();
    assertThat(counters.verticleOutstanding(ResourceKind.CLOSEABLE)).isZero();
    java.nio.file.Files.delete(path);
  }

  @Test
  void refusesMoreThanItsBound(Vertx vertx) throws Exception {
    ScopeOptions small = BulwarkConfig.fromJson(new JsonObject()
        .put("scope", new JsonObject().put("maxVerticleResources", 2))).scope();
    VerticleScope scope = VerticleScope.create(vertx, small, counters);
    scope.register(() -> { });
    scope.register(() -> { });
    AtomicInteger closed = new AtomicInteger();
    assertThatThrownBy(() -> scope.own(closed::incrementAndGet)).hasMessageContaining("scope.maxVerticleResources");
    assertThat(closed).as("the refused closeable is closed at once").hasValue(1);
    scope.close();
  }
}
