package dev.bulwark.routes;

import dev.bulwark.stream.FilesOptions;
import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.stream.FileSender;
import dev.bulwark.stream.SafePath;
import dev.bulwark.stream.StreamMeters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.nio.file.Path;

/** {@code GET/HEAD /files/{path}} under {@code files.root}: ranges, validators, streamed gzip, in constant memory. */
final class FileRoutes implements RouteModule {

  private static final String PREFIX = "/files/";
  private static final ApiError NOT_FOUND = new ApiError(404, "not_found", "No file is served at this path.");

  private final FilesOptions files;
  private final StreamMeters meters;

  FileRoutes(FilesOptions files, StreamMeters meters) {
    this.files = files;
    this.meters = meters;
  }

  @Override
  public String name() {
    return "files";
  }

  @Override
  public void mount(Router router, Context context) {
    Path root = Path.of(files.root()).toAbsolutePath();
    router.route("/files/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(ctx -> {
          // Vert.x has decoded unreserved characters only (which never make a '%', so nothing is decoded twice) and
          // removed dot segments; the rest of the name is decoded here, strictly (else 400 bad_path), then checked.
          String path = ctx.normalizedPath();
          String relative = SafePath.decode(path.length() > PREFIX.length() ? path.substring(PREFIX.length()) : "");
          if (relative == null) {
            NOT_FOUND.failOn(ctx);
            return;
          }
          // Resolving touches the file system (real path, attributes): a worker thread does it.
          context.vertx().executeBlocking(() -> SafePath.resolve(root, relative), false).onComplete(ar -> {
            if (ar.failed() || ar.result() == null) {
              NOT_FOUND.failOn(ctx);
              return;
            }
            try {
              FileSender.send(ctx, ar.result(), files.compress(), files.compressMaxSize(), meters);
            } catch (ApiError e) {
              e.failOn(ctx);
            }
          });
        });
  }
}
