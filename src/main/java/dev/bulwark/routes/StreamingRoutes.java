package dev.bulwark.routes;

import dev.bulwark.ApiError;
import dev.bulwark.RouteModule;
import dev.bulwark.config.FilesOptions;
import dev.bulwark.stream.FileSender;
import dev.bulwark.stream.JsonStream;
import dev.bulwark.stream.SafePath;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * {@code GET/HEAD /files/{path}} under {@code files.root}, and {@code GET /data/items?count=N}, a lazily generated
 * dataset streamed as a JSON array or NDJSON. Both run in constant memory.
 */
public final class StreamingRoutes implements RouteModule {

  private static final String PREFIX = "/files/";
  private static final ApiError NOT_FOUND = new ApiError(404, "not_found", "No file is served at this path.");

  @Override
  public void mount(Router router, Context context) {
    FilesOptions files = context.config().files();
    Path root = Path.of(files.root()).toAbsolutePath();
    router.route("/files/*").method(io.vertx.core.http.HttpMethod.GET).method(io.vertx.core.http.HttpMethod.HEAD)
        .handler(ctx -> {
          String relative = ctx.normalizedPath().substring(PREFIX.length() - 1).replaceFirst("^/", "");
          // Resolving touches the file system (real path, attributes): a worker thread does it.
          context.vertx().executeBlocking(() -> SafePath.resolve(root, relative), false).onComplete(ar -> {
            if (ar.failed() || ar.result() == null) {
              NOT_FOUND.failOn(ctx);
              return;
            }
            try {
              FileSender.send(ctx, ar.result(), files.compress(), files.compressMaxSize());
            } catch (ApiError e) {
              e.failOn(ctx);
            }
          });
        });
    router.get("/data/items").handler(ctx -> {
      int count = countOf(ctx.queryParams().get("count"), files.maxDataCount());
      String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
      boolean ndjson = "ndjson".equals(ctx.queryParams().get("format"))
          || (accept != null && accept.contains("application/x-ndjson"));
      JsonStream.write(ctx, items(count), StreamingRoutes::itemJson, ndjson);
    });
  }

  /** The dataset, generated as it is written: never materialised. */
  private static Iterator<Integer> items(int count) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public Integer next() {
        if (next >= count) {
          throw new NoSuchElementException();
        }
        return next++;
      }
    };
  }

  private static String itemJson(int i) {
    return "{\"id\":" + i + ",\"name\":\"item-" + i + "\",\"value\":" + (i * 31 % 1000) + "}";
  }

  private static int countOf(String raw, int max) {
    if (raw == null) {
      return 0;
    }
    if (!raw.isEmpty() && raw.length() <= 10 && raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
      long n = Long.parseLong(raw);
      if (n <= max) {
        return (int) n;
      }
    }
    throw new ApiError(400, "bad_count", "count must be an integer from 0 to " + max + " (data.maxCount).");
  }
}
