package dev.bulwark.scope;

import dev.bulwark.spi.RouteModule;
import io.vertx.core.Future;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A route module for scope tests: {@code GET /probe?timers=&consumers=&listeners=&siteListeners=&closeables=&files=
 * &answer=} takes that many resources through the request scope (the files first, waiting until they are open) and
 * remembers each one here, then ends the request as asked:
 * {@code end} answers at once, {@code never} never answers, {@code throw} throws, {@code head} writes the head and
 * stops, {@code late} answers and then, 50 ms later, tries to take more through the ended scope.
 */
final class Probe implements RouteModule {

  final List<Long> timerIds = new CopyOnWriteArrayList<>();
  final List<String> addresses = new CopyOnWriteArrayList<>();
  final List<Tracked> closeables = new CopyOnWriteArrayList<>();
  final AtomicInteger listenersUndone = new AtomicInteger();
  final List<Throwable> lateFailures = new CopyOnWriteArrayList<>();
  final List<AsyncFile> files = new CopyOnWriteArrayList<>();
  final AtomicInteger closeSequence = new AtomicInteger();
  final Path dir;
  private final AtomicInteger addressSeq = new AtomicInteger();

  Probe(Path dir) {
    this.dir = dir;
  }

  /** A closeable that records when, and how often, it was closed; {@code failing} ones throw on close. */
  final class Tracked implements AutoCloseable {
    final boolean failing;
    final AtomicInteger closes = new AtomicInteger();
    volatile int closedAt = -1;

    Tracked(boolean failing) {
      this.failing = failing;
    }

    @Override
    public void close() {
      closes.incrementAndGet();
      closedAt = closeSequence.incrementAndGet();
      if (failing) {
        throw new IllegalStateException("close failed on purpose");
      }
    }
  }

  @Override
  public void mount(Router router, Context context) {
    router.get("/probe").handler(ctx -> {
      RequestScope scope = RequestScope.of(ctx);
      List<Future<AsyncFile>> opening = new ArrayList<>();
      for (int i = 0; i < intParam(ctx.queryParams().get("files")); i++) {
        opening.add(scope.openFile(dir.resolve("probe-" + addressSeq.incrementAndGet()).toString(), new OpenOptions())
            .onSuccess(files::add));
      }
      if (opening.isEmpty()) {
        acquireAndAnswer(ctx, scope, context);
        return;
      }
      // The files open first, so every way of ending finds them open and must close them.
      Future.all(opening).onComplete(ar -> {
        try {
          acquireAndAnswer(ctx, scope, context);
        } catch (RuntimeException e) {
          ctx.fail(e); // as vertx-web fails a handler that throws
        }
      });
    });
  }

  private void acquireAndAnswer(RoutingContext ctx, RequestScope scope, Context context) {
    int timers = intParam(ctx.queryParams().get("timers"));
    for (int i = 0; i < timers; i++) {
      timerIds.add(i % 2 == 0 ? scope.setPeriodic(5, id -> { }) : scope.setTimer(60_000, id -> { }));
    }
    for (int i = 0; i < intParam(ctx.queryParams().get("consumers")); i++) {
      String address = "probe." + addressSeq.incrementAndGet();
      scope.consumer(address, msg -> msg.reply("here"));
      addresses.add(address);
    }
    for (int i = 0; i < intParam(ctx.queryParams().get("listeners")); i++) {
      scope.register(listenersUndone::incrementAndGet);
    }
    for (int i = 0; i < intParam(ctx.queryParams().get("siteListeners")); i++) {
      registerAtItsOwnSite(scope);
    }
    for (int i = 0; i < intParam(ctx.queryParams().get("closeables")); i++) {
      closeables.add(scope.own(new Tracked("1".equals(ctx.queryParams().get("failFirst")) && i == 0)));
    }
    switch (ctx.queryParams().get("answer")) {
      case "end" -> ctx.response().end("ok");
      case "throw" -> throw new IllegalStateException("handler failed after acquiring");
      case "head" -> ctx.response().setChunked(true).write("partial");
      case "late" -> {
        ctx.response().end("ok");
        context.vertx().setTimer(50, id -> tryLate(scope));
      }
      default -> { } // never answers
    }
  }

  /** A listener made at a site no other test uses, so the scope's warning about that site is this call's alone. */
  private void registerAtItsOwnSite(RequestScope scope) {
    scope.register(listenersUndone::incrementAndGet);
  }

  private void tryLate(RequestScope scope) {
    try {
      scope.setTimer(10, id -> { });
    } catch (ScopeClosedException e) {
      lateFailures.add(e);
    }
    Tracked late = new Tracked(false);
    closeables.add(late);
    try {
      scope.own(late);
    } catch (ScopeClosedException e) {
      lateFailures.add(e);
    }
    try {
      scope.consumer("probe.late", msg -> { });
    } catch (ScopeClosedException e) {
      lateFailures.add(e);
    }
  }

  private static int intParam(String raw) {
    return raw == null ? 0 : Integer.parseInt(raw);
  }
}
