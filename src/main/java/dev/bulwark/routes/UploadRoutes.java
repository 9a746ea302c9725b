package dev.bulwark.routes;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.stream.FileSender;
import dev.bulwark.stream.StreamMeters;
import dev.bulwark.stream.UploadOptions;
import dev.bulwark.stream.UploadReceiver;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** {@code POST /uploads}, {@code GET /uploads/{id}} and {@code DELETE /uploads/{id}}. */
final class UploadRoutes implements RouteModule {

  private static final String ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final ApiError NOT_FOUND = new ApiError(404, "not_found", "No upload has this id.");

  private final UploadOptions options;
  private final StreamMeters meters;

  UploadRoutes(UploadOptions options, StreamMeters meters) {
    this.options = options;
    this.meters = meters;
  }

  @Override
  public String name() {
    return "uploads";
  }

  @Override
  public void mount(Router router, Context context) {
    // Streamed to disk as they arrive: bounded by the uploads section, not by http.maxBodySize or the body budget.
    context.streamedBody("/uploads", options.maxRequestSize());
    Path dir = Path.of(options.dir()).toAbsolutePath();
    router.post("/uploads").handler(ctx -> UploadReceiver
        .receive(ctx, options, dir, context.vertx().fileSystem(), meters)
        .onSuccess(files -> ctx.response().setStatusCode(201).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new JsonObject().put("files", files).encode()))
        .onFailure(e -> ApiError.fail(ctx, e)));
    router.get("/uploads/:id").handler(ctx -> {
      String id = idOf(ctx);
      context.vertx().fileSystem().readFile(dir.resolve(id + ".json").toString()).onComplete(ar -> {
        if (ar.failed()) {
          NOT_FOUND.failOn(ctx);
          return;
        }
        if (ctx.response().ended()) {
          return; // the request timed out while the metadata was read
        }
        JsonObject meta = ar.result().toJsonObject();
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, meta.getString("contentType"))
            .putHeader("Content-Disposition", disposition(meta.getString("name")));
        // Deleted between its metadata and its data (a concurrent DELETE): 404, not a wait for the request timeout.
        FileSender.sendWhole(ctx, dir.resolve(id), meters, StreamMeters.Kind.UPLOAD);
      });
    });
    router.delete("/uploads/:id").handler(ctx -> {
      String id = idOf(ctx);
      context.vertx().fileSystem().delete(dir.resolve(id + ".json").toString())
          .compose(v -> context.vertx().fileSystem().delete(dir.resolve(id).toString()))
          .onSuccess(v -> ctx.response().setStatusCode(204).end())
          .onFailure(e -> NOT_FOUND.failOn(ctx));
    });
  }

  private static String idOf(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches(ID)) {
      throw NOT_FOUND;
    }
    return id;
  }

  /** An attachment whose name cannot break the header: ASCII fallback plus RFC 5987 UTF-8 form. */
  static String disposition(String name) {
    String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + (ascii.isEmpty() ? "download" : ascii) + "\"; filename*=UTF-8''" + encoded;
  }

}
