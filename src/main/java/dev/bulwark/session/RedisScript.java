package dev.bulwark.session;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * A Lua script run on one key by its SHA1 ({@code EVALSHA}), sent whole ({@code EVAL}) only when Redis answers
 * {@code NOSCRIPT}: after a restart, a failover or {@code SCRIPT FLUSH}. EVAL, which Redis also caches, then loads it
 * again. So a request costs 40 bytes of script name instead of the script, and nothing has to be loaded at start,
 * when Redis may be down.
 */
final class RedisScript {

  private final String source;
  private final String sha;

  RedisScript(String source) {
    this.source = source;
    this.sha = sha1(source);
  }

  /** Runs the script on {@code key}, with the arguments {@code args} appends (once per attempt). */
  Future<Response> run(Redis redis, String key, UnaryOperator<Request> args) {
    return redis.send(args.apply(Request.cmd(Command.EVALSHA).arg(sha).arg(1).arg(key)))
        .recover(failure -> isNoScript(failure)
            ? redis.send(args.apply(Request.cmd(Command.EVAL).arg(source).arg(1).arg(key)))
            : Future.failedFuture(failure));
  }

  private static boolean isNoScript(Throwable failure) {
    return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }
}
