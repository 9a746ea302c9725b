package dev.bulwark.leak;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.bulwark.spi.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heap dumps on the admin port, which mounts these routes behind its token: {@code POST /admin/heap/dump} (202 with
 * the dump's name; written on a worker thread, one at a time, 409 {@code dump_in_progress} meanwhile; 507
 * {@code insufficient_storage} when the disk has less free than 1.2 times the heap in use), {@code GET
 * /admin/heap/dumps} (the list), {@code GET}/{@code DELETE /admin/heap/dumps/{name}}. A dump is written under a
 * hidden directory and moved into {@code admin.dumpDir} when complete, so a listed dump is always whole; beyond
 * {@code admin.maxDumps} the oldest are deleted. Names are matched against the one pattern dumps are given, so no
 * name a client sends can reach another file.
 */
public final class HeapDumps {

  private static final Logger LOG = LoggerFactory.getLogger(HeapDumps.class);
  private static final Pattern NAME = Pattern.compile("heap-\\d{8}T\\d{6}\\d{3}Z\\.hprof");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
      .withZone(ZoneOffset.UTC);
  /** Free disk needed per byte of heap in use: a dump is about as large as the live heap, with some margin. */
  private static final double SPACE_PER_HEAP_BYTE = 1.2;
  private static final String PARTIAL = ".partial";
  private static final ApiError BUSY = new ApiError(409, "dump_in_progress", "A heap dump is being written.");
  private static final ApiError NO_SPACE = new ApiError(507, "insufficient_storage",
      "Not enough free disk for a heap dump (1.2 x the heap in use).");
  private static final ApiError BAD_NAME = new ApiError(400, "bad_name", "Not a heap dump name.");
  private static final ApiError NOT_FOUND = new ApiError(404, "not_found", "No such heap dump.");

  private final Vertx vertx;
  private final Path dir;
  private final int maxDumps;
  private final AtomicBoolean writing = new AtomicBoolean();

  private HeapDumps(Vertx vertx, Path dir, int maxDumps) {
    this.vertx = vertx;
    this.dir = dir;
    this.maxDumps = maxDumps;
  }

  /** The dumps of {@code dir} ({@code admin.dumpDir}), keeping the newest {@code maxDumps} ({@code admin.maxDumps}). */
  public static HeapDumps create(Vertx vertx, Path dir, int maxDumps) {
    return new HeapDumps(vertx, dir.toAbsolutePath().normalize(), maxDumps);
  }

  /** Mounts the routes. */
  public void mount(Router router) {
    router.post("/admin/heap/dump").handler(ctx -> begin().onSuccess(started -> {
      ctx.response().setStatusCode(202);
      ctx.json(new JsonObject().put("name", started.name()));
    }).onFailure(e -> ApiError.fail(ctx, e)));
    router.get("/admin/heap/dumps").handler(ctx -> vertx.executeBlocking(this::list, false)
        .onSuccess(ctx::json).onFailure(e -> ApiError.fail(ctx, e)));
    router.get("/admin/heap/dumps/:name").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Content-Disposition", "attachment; filename=\"" + existing(ctx) + "\"")
        .sendFile(dir.resolve(ctx.pathParam("name")).toString())
        .onFailure(e -> ApiError.fail(ctx, NOT_FOUND)));
    router.delete("/admin/heap/dumps/:name").handler(ctx -> {
      String name = existing(ctx);
      vertx.executeBlocking(() -> Files.deleteIfExists(dir.resolve(name)), false)
          .onSuccess(deleted -> ctx.response().setStatusCode(deleted ? 204 : 404).end())
          .onFailure(e -> ApiError.fail(ctx, e));
    });
  }

  /** Writes one dump: the Future has its name once it is complete in the directory; 409 or 507 as the route says. */
  public Future<String> dump() {
    return begin().compose(Started::written);
  }

  /** A dump under way: its {@code name}, and {@code written} once it is in the directory. */
  private record Started(String name, Future<String> written) {}

  /** One dump at a time (409 meanwhile); 507 when the disk cannot hold it; then written on a worker thread. */
  private Future<Started> begin() {
    if (!writing.compareAndSet(false, true)) {
      return Future.failedFuture(BUSY);
    }
    String name = "heap-" + STAMP.format(Instant.now()) + ".hprof";
    return vertx.executeBlocking(this::checkSpace, false)
        .onFailure(e -> writing.set(false))
        .map(v -> new Started(name, vertx.executeBlocking(() -> write(name), false).map(name)
            .onFailure(e -> LOG.warn("Heap dump {} failed: {}", name, e.toString()))
            .onComplete(ar -> writing.set(false))));
  }

  private Void checkSpace() throws IOException {
    Files.createDirectories(dir.resolve(PARTIAL));
    long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    if (Files.getFileStore(dir).getUsableSpace() < heapUsed * SPACE_PER_HEAP_BYTE) {
      throw NO_SPACE;
    }
    return null;
  }

  /** Writes the dump of live objects, moves it in whole, then keeps the newest {@code maxDumps}. */
  private Void write(String name) throws IOException {
    Path partial = dir.resolve(PARTIAL).resolve(name);
    Files.deleteIfExists(partial);
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(partial.toString(), true);
      Files.move(partial, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    List<Path> all = dumps();
    for (Path old : all.subList(0, Math.max(0, all.size() - maxDumps))) {
      Files.deleteIfExists(old);
    }
    return null;
  }

  /** The dumps in the directory, oldest first (their names sort by time). */
  private List<Path> dumps() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    }
  }

  private JsonObject list() throws IOException {
    JsonArray items = new JsonArray();
    for (Path p : dumps()) {
      items.add(new JsonObject().put("name", p.getFileName().toString()).put("bytes", Files.size(p)));
    }
    return new JsonObject().put("dumps", items).put("maxDumps", maxDumps);
  }

  /** The {@code name} path parameter when it is a dump's name; 400 otherwise. */
  private String existing(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (name == null || !NAME.matcher(name).matches()) {
      throw BAD_NAME;
    }
    return name;
  }
}
