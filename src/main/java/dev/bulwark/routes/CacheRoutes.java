package dev.bulwark.routes;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.cache.BoundedCache;
import dev.bulwark.cache.CachedValue;
import dev.bulwark.cache.NamedCaches;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;

/**
 * {@code PUT/GET/DELETE /cache/{name}/{key}} and {@code GET /cache/{name}}: the named, bounded caches over HTTP. Keys
 * and values are checked before anything is buffered: a declared value over {@code cache.maxValueSize} is refused by
 * its Content-Length, an undeclared one while it is read.
 */
final class CacheRoutes implements RouteModule {

  private static final String OCTETS = "application/octet-stream";
  private static final String ATTACHMENT = "attachment";
  private static final int MAX_CONTENT_TYPE = 256;
  private static final ApiError NOT_FOUND = new ApiError(404, "not_found", "No entry under this key.");

  private final NamedCaches caches;
  private final ApiError valueTooLarge;
  private final int maxKeyLength;
  private final long maxValueSize;
  private final Set<String> inlineTypes;

  CacheRoutes(NamedCaches caches) {
    this.caches = caches;
    this.maxKeyLength = caches.options().maxKeyLength();
    this.maxValueSize = caches.options().maxValueSize();
    this.inlineTypes = Set.copyOf(caches.options().inlineTypes());
    this.valueTooLarge = new ApiError(413, "value_too_large", "A cached value may be at most " + maxValueSize
        + " bytes (cache.maxValueSize).", new JsonObject().put("bytesLimit", maxValueSize));
  }

  @Override
  public String name() {
    return "cache";
  }

  @Override
  public void mount(Router router, Context context) {
    router.put("/cache/:name/:key").handler(ctx -> put(ctx, context));
    router.get("/cache/:name/:key").handler(ctx -> cacheOf(ctx).get(keyOf(ctx)).onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        ApiError.fail(ctx, ar.failed() ? ar.cause() : NOT_FOUND);
        return;
      }
      serve(ctx, ar.result());
    }));
    router.delete("/cache/:name/:key").handler(ctx -> cacheOf(ctx).invalidate(keyOf(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> ApiError.fail(ctx, e)));
    if (caches.options().publicStats()) {
      router.get("/cache/:name").handler(ctx -> ctx.json(cacheOf(ctx).stats()));
    }
  }

  private void put(RoutingContext ctx, Context context) {
    BoundedCache cache = cacheOf(ctx);
    String key = keyOf(ctx);
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null && contentType.length() > MAX_CONTENT_TYPE) {
      throw new ApiError(400, "bad_request", "The Content-Type is longer than " + MAX_CONTENT_TYPE + " characters.");
    }
    String type = contentType == null ? OCTETS : contentType;
    context.bodies().read(ctx, maxValueSize, valueTooLarge)
        .compose(body -> cache.put(key, new CachedValue(body.getBytes(), type)))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> ApiError.fail(ctx, e));
  }


  /**
   * The value with its stored type when that type is on {@code cache.inlineTypes}; otherwise as an attachment of
   * octets, so a stored page or script is never rendered by a browser on this origin. Never sniffed either way: the
   * server puts {@code X-Content-Type-Options: nosniff} on every response of the main port.
   */
  private void serve(RoutingContext ctx, CachedValue value) {
    HttpServerResponse response = ctx.response();
    String type = value.contentType();
    int semicolon = type.indexOf(';');
    String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    if (inlineTypes.contains(media)) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, type);
    } else {
      response.putHeader(HttpHeaders.CONTENT_TYPE, OCTETS).putHeader(HttpHeaders.CONTENT_DISPOSITION, ATTACHMENT);
    }
    response.end(Buffer.buffer(value.bytes()));
  }

  private BoundedCache cacheOf(RoutingContext ctx) {
    BoundedCache cache = caches.get(ctx.pathParam("name"));
    if (cache == null) {
      throw new ApiError(404, "unknown_cache", "No cache of that name is configured (caches.<name>).");
    }
    return cache;
  }

  private String keyOf(RoutingContext ctx) {
    // From the raw path: vertx-web's decoding maps every malformed byte to U+FFFD, merging different keys.
    String key = PathKeys.lastSegment(ctx.request().path());
    if (key == null || key.isEmpty() || key.length() > maxKeyLength
        || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ApiError(400, "bad_key", "A key is 1 to " + maxKeyLength
          + " characters of valid UTF-8, without control characters (cache.maxKeyLength).");
    }
    return key;
  }
}
