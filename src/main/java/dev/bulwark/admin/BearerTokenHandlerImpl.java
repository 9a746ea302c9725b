package dev.bulwark.admin;

import dev.bulwark.spi.ApiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

final class BearerTokenHandlerImpl implements BearerTokenHandler {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BearerTokenHandlerImpl.class);

  private static final String SCHEME = "Bearer ";
  private static final ApiError UNAUTHORIZED =
      new ApiError(401, "unauthorized", "This port needs Authorization: Bearer <admin token>.");

  private final byte[] expectedDigest;

  BearerTokenHandlerImpl(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("an admin token is required");
    }
    this.expectedDigest = digest(token);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String given = header != null && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        ? header.substring(SCHEME.length()).trim() : "";
    // Digests have a fixed length, so isEqual compares every byte whatever the length of the token given.
    if (MessageDigest.isEqual(expectedDigest, digest(given))) {
      ctx.next();
    } else {
      // DEBUG only: a port scanner must not fill the log, but an operator chasing a 401 can turn this on.
      LOG.debug("Admin request refused, {} bearer token: {} {} from {}", header == null ? "no" : "a wrong",
          ctx.request().method(), ctx.request().path(), ctx.request().remoteAddress());
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ctx.fail(UNAUTHORIZED);
    }
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
