package dev.bulwark.leak;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * {@code GET /admin/profile?seconds=N}: a JFR recording of the running server with the JDK's "profile" settings,
 * answered as the {@code .jfr} file (open it in JDK Mission Control, or {@code jfr summary}); one at a time (409
 * {@code profile_in_progress}), at most {@code admin.maxProfileSeconds}. And {@code GET /admin/threads}: every thread
 * with its state and where it is. Both are read on worker threads; the admin port mounts them behind its token.
 */
public final class ProfileRoutes {

  private static final ApiError BUSY = new ApiError(409, "profile_in_progress", "A profile is being recorded.");
  private static final int STACK_DEPTH = 16;

  private final Vertx vertx;
  private final int maxSeconds;
  private final AtomicBoolean recording = new AtomicBoolean();

  private ProfileRoutes(Vertx vertx, int maxSeconds) {
    this.vertx = vertx;
    this.maxSeconds = maxSeconds;
  }

  /** Mounts the routes; {@code maxSeconds} is {@code admin.maxProfileSeconds}. */
  public static void mount(Router router, Vertx vertx, int maxSeconds) {
    ProfileRoutes routes = new ProfileRoutes(vertx, maxSeconds);
    router.get("/admin/profile").handler(routes::profile);
    router.get("/admin/threads").handler(ctx -> vertx.executeBlocking(ProfileRoutes::threads, false)
        .onSuccess(ctx::json).onFailure(e -> ApiError.fail(ctx, e)));
  }

  private void profile(RoutingContext ctx) {
    int seconds = seconds(ctx);
    if (!recording.compareAndSet(false, true)) {
      throw BUSY;
    }
    vertx.executeBlocking(() -> {
      Recording r = new Recording(Configuration.getConfiguration("profile"));
      r.setName("bulwark-admin-profile");
      r.start();
      return r;
    }, false).compose(r -> {
      Promise<Void> waited = Promise.promise();
      vertx.setTimer(seconds * 1000L, id -> waited.complete()); // waits on a timer, never a sleeping thread
      return waited.future().compose(v -> vertx.executeBlocking(() -> stopInto(r), false));
    }).onComplete(ar -> recording.set(false))
        .onSuccess(file -> ctx.response().putHeader("Content-Type", "application/octet-stream")
            .putHeader("Content-Disposition", "attachment; filename=\"bulwark-profile.jfr\"")
            .sendFile(file.toString())
            .onComplete(sent -> vertx.executeBlocking(() -> Files.deleteIfExists(file), false)))
        .onFailure(e -> ApiError.fail(ctx, e));
  }

  /** Stops the recording and writes it to a temporary file, which the caller deletes once sent. */
  private static Path stopInto(Recording r) throws IOException {
    try {
      r.stop();
      Path file = Files.createTempFile("bulwark-profile-", ".jfr");
      r.dump(file);
      return file;
    } finally {
      r.close();
    }
  }

  private int seconds(RoutingContext ctx) {
    String raw = ctx.request().getParam("seconds");
    try {
      int seconds = raw == null ? Math.min(10, maxSeconds) : Integer.parseInt(raw);
      if (seconds >= 1 && seconds <= maxSeconds) {
        return seconds;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    throw new ApiError(400, "bad_parameter", "seconds must be an integer from 1 to " + maxSeconds
        + " (admin.maxProfileSeconds).");
  }

  private static JsonObject threads() {
    JsonArray all = new JsonArray();
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false, STACK_DEPTH)) {
      JsonArray stack = new JsonArray();
      for (StackTraceElement frame : info.getStackTrace()) {
        stack.add(frame.toString());
      }
      all.add(new JsonObject().put("name", info.getThreadName()).put("id", info.getThreadId())
          .put("state", info.getThreadState().name()).put("daemon", info.isDaemon())
          .put("blockedCount", info.getBlockedCount()).put("stack", stack));
    }
    return new JsonObject().put("count", all.size()).put("threads", all);
  }
}
