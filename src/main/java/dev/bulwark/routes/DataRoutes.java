package dev.bulwark.routes;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.stream.JsonStream;
import dev.bulwark.stream.StreamMeters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * {@code GET /data/items?count=N}: a lazily generated dataset streamed as a JSON array or NDJSON with back-pressure,
 * in constant memory whatever N is (up to {@code data.maxCount}).
 */
final class DataRoutes implements RouteModule {

  private final int maxCount;
  private final StreamMeters meters;

  DataRoutes(int maxCount, StreamMeters meters) {
    this.maxCount = maxCount;
    this.meters = meters;
  }

  @Override
  public String name() {
    return "data";
  }

  @Override
  public void mount(Router router, Context context) {
    router.get("/data/items").handler(ctx -> {
      int count = countOf(ctx.queryParams().get("count"), maxCount);
      String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
      boolean ndjson = "ndjson".equals(ctx.queryParams().get("format"))
          || (accept != null && accept.contains("application/x-ndjson"));
      JsonStream.write(ctx, items(count), DataRoutes::itemJson, ndjson, meters);
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
