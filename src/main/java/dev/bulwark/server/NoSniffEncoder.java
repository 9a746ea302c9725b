package dev.bulwark.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main port's HTTP/1.x response encoder: Vert.x's own, plus {@code X-Content-Type-Options: nosniff} written into
 * every response head as bytes. Every response gets it, the ones Vert.x writes by itself included, and a request pays
 * nothing for it: adding it to each response's headers would allocate a header entry per request.
 *
 * <p>It stands in for Vert.x 5's {@code VertxHttpResponseEncoder} (final, so not extended) under the same pipeline
 * name, and does what that does: Vert.x's header map encodes itself, and the body of an answer to HEAD is never
 * written. That last needs a package-private method of Vert.x, reached once at start; when it cannot be, the encoder
 * is not used and {@link Http2Parity} adds the header per request instead.
 */
final class NoSniffEncoder extends HttpResponseEncoder {

  private static final Logger LOG = LoggerFactory.getLogger(NoSniffEncoder.class);
  static final String ENCODER = "httpEncoder";
  private static final byte[] LINE = "x-content-type-options: nosniff\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final Class<?> VERTX_RESPONSE = vertxType("VertxHttpResponse");
  private static final MethodHandle HEAD = headAccessor();
  /**
   * What Vert.x writes for an answer, none of them a request: taken on an exact class match, before Netty's check
   * ({@code instanceof HttpObject} and not {@code instanceof HttpRequest}). A type tested against several interfaces
   * in turn can rewrite the JVM's one-entry cache of its last match on each test (JDK-8180450, fixed in Java 23), a
   * write to memory every event loop shares.
   */
  private static final Class<?>[] ANSWERS = {VERTX_RESPONSE, vertxType("VertxFullHttpResponse"),
      vertxType("VertxAssembledHttpResponse"), vertxType("VertxHttpContent"), vertxType("VertxLastHttpContent"),
      DefaultFullHttpResponse.class, DefaultHttpContent.class, DefaultFileRegion.class}; // null if absent: no match

  private static Class<?> vertxType(String simpleName) {
    try {
      return Class.forName("io.vertx.core.http.impl." + simpleName);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  private static MethodHandle headAccessor() {
    try {
      Class<?> type = java.util.Objects.requireNonNull(VERTX_RESPONSE, "VertxHttpResponse");
      return MethodHandles.privateLookupIn(type, MethodHandles.lookup())
          .findVirtual(type, "head", MethodType.methodType(boolean.class))
          .asType(MethodType.methodType(boolean.class, Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("X-Content-Type-Options is added per request (Vert.x's response encoder is out of reach: {})",
          e.toString());
      return null;
    }
  }

  /** True when connections get this encoder; false when the header has to be added to each response. */
  static boolean available() {
    return HEAD != null;
  }

  /** Replaces Vert.x's encoder in an HTTP/1.x connection's pipeline; does nothing to another. */
  static void install(ChannelPipeline pipeline) {
    if (HEAD != null && pipeline.get(ENCODER) instanceof HttpResponseEncoder) {
      pipeline.replace(ENCODER, ENCODER, new NoSniffEncoder());
    }
  }

  @Override
  public boolean acceptOutboundMessage(Object msg) throws Exception {
    if (msg == LastHttpContent.EMPTY_LAST_CONTENT || msg == Unpooled.EMPTY_BUFFER) {
      return true;
    }
    Class<?> type = msg.getClass();
    for (Class<?> answer : ANSWERS) {
      if (type == answer) {
        return true;
      }
    }
    return super.acceptOutboundMessage(msg);
  }

  @Override
  protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
    if (headers instanceof HeadersMultiMap vertx) {
      vertx.encode(buf, false);
    } else {
      super.encodeHeaders(headers, buf);
    }
    buf.writeBytes(LINE);
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpResponse msg) {
    return isHeadAnswer(msg) || super.isContentAlwaysEmpty(msg);
  }

  private static boolean isHeadAnswer(HttpResponse msg) {
    if (!VERTX_RESPONSE.isInstance(msg)) {
      return false;
    }
    try {
      return (boolean) HEAD.invokeExact((Object) msg);
    } catch (Throwable e) {
      throw new IllegalStateException("VertxHttpResponse.head()", e);
    }
  }
}
