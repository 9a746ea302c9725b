package dev.bulwark.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.VertxHandler;
import java.nio.charset.StandardCharsets;
import dev.bulwark.server.RejectedRequests.Reason;
import java.util.function.Consumer;

/**
 * Refuses, before Vert.x sees them, the HTTP/1.x requests whose framing cannot be trusted, and closes their connection
 * (RFC 9112 6.1, 6.3): a {@code Transfer-Encoding} whose last coding is not {@code chunked}, {@code Transfer-Encoding}
 * together with {@code Content-Length} (the classic smuggling shapes), an {@code Expect} other than
 * {@code 100-continue} (417), and a body whose chunked framing breaks mid-way (a bad chunk size, an oversized extension
 * or trailer section). Each gets its JSON error when no earlier answer on the connection is still owed, then the
 * connection is closed; none reaches a route, and none is logged above DEBUG: it is counted by reason instead.
 *
 * <p>Per request it costs two header look-ups; it allocates only to refuse, and to hand Vert.x each piece of a body
 * as a heap copy (the copy Vert.x makes anyway, made here instead, see {@link #onHeap}).
 */
final class RequestFraming extends ChannelDuplexHandler {

  static final String NAME = "bulwark.framing";

  private final HeadDeadline deadline;
  private final Consumer<Reason> rejected;
  /** Requests passed on whose answer has not been written to its end yet. */
  private int owed;
  /** Whether the head of the oldest owed answer is written. */
  private boolean answering;
  private boolean refusing;

  private RequestFraming(HeadDeadline deadline, Consumer<Reason> rejected) {
    this.deadline = deadline;
    this.rejected = rejected;
  }

  /**
   * Puts the check right after the HTTP/1.x decoder of a connection; does nothing to another. With
   * {@code decoderOptions} (only for a connection none of whose bytes were decoded yet), the decoder is replaced by one
   * that reports {@code Content-Length} with {@code chunked}, which Netty's would silently drop.
   */
  static void install(ChannelPipeline pipeline, HeadDeadline deadline, HttpServerOptions decoderOptions,
      Consumer<Reason> rejected) {
    if (decoderOptions != null && pipeline.get(HeadDeadline.DECODER).getClass() == VertxHttpRequestDecoder.class) {
      pipeline.replace(HeadDeadline.DECODER, HeadDeadline.DECODER, new Decoder(decoderOptions));
    }
    pipeline.addBefore(HeadDeadline.VERTX_HANDLER, NAME, new RequestFraming(deadline, rejected));
  }

  /** Vert.x's decoder, marking a request with both framings instead of quietly removing its Content-Length. */
  private static final class Decoder extends VertxHttpRequestDecoder {

    Decoder(HttpServerOptions options) {
      super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      super.handleTransferEncodingChunkedWithContentLength(message);
      message.setDecoderResult(DecoderResult.failure(LengthAndChunked.INSTANCE));
    }
  }

  /** The mark: a shared exception without a stack, made once. */
  private static final class LengthAndChunked extends RuntimeException {
    static final LengthAndChunked INSTANCE = new LengthAndChunked();

    private LengthAndChunked() {
      super("Content-Length with Transfer-Encoding", null, false, false);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg == LastHttpContent.EMPTY_LAST_CONTENT) {
      // The end of every request without a body, by identity: no interface checks (see NoSniffEncoder.ANSWERS).
      deadline.requestEnded();
      if (!refusing) {
        ctx.fireChannelRead(msg);
      }
      return;
    }
    // The one handler after the decoder, so the head deadline learns here where heads and requests end.
    if (msg instanceof HttpRequest) {
      deadline.headArrived();
    }
    if (msg instanceof LastHttpContent) {
      deadline.requestEnded();
    }
    if (refusing) {
      ReferenceCountUtil.release(msg); // what follows a refused request is not trusted: not even parsed further
      return;
    }
    if (msg instanceof HttpRequest request && request.decoderResult().cause() == LengthAndChunked.INSTANCE) {
      refuse(ctx, msg, Reason.LENGTH_AND_CHUNKED);
      return;
    }
    if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
      Reason reason = check(request);
      if (reason != null) {
        refuse(ctx, msg, reason);
        return;
      }
      owed++;
    } else if (!(msg instanceof HttpRequest) && msg instanceof HttpContent content
        && content.decoderResult().isFailure()) {
      refuse(ctx, msg, Reason.CHUNK_FRAMING);
      return;
    }
    ctx.fireChannelRead(msg instanceof HttpContent content && !(msg instanceof HttpRequest) ? onHeap(content) : msg);
  }

  /**
   * The body bytes as the heap copy Vert.x would make of them anyway, the pooled (direct) buffer released at once.
   * Vert.x queues what arrives while a request is paused (a route that stopped reading, an upload waiting for the
   * disk) and drops that queue unreleased when the connection closes: pooled memory that would never return, one
   * read's worth per such connection. A heap copy there is only garbage. Vert.x's own copy then sees a buffer that
   * is not pooled and takes it as it is, so the copy moves here rather than doubling; a request without a body (the
   * shared empty last content) passes untouched.
   */
  private static HttpContent onHeap(HttpContent content) {
    ByteBuf pooled = content.content();
    ByteBuf heap = VertxHandler.safeBuffer(pooled);
    if (heap == pooled) {
      return content;
    }
    HttpContent copy = content instanceof LastHttpContent last
        ? new DefaultLastHttpContent(heap, last.trailingHeaders()) : new DefaultHttpContent(heap);
    copy.setDecoderResult(content.decoderResult());
    return copy;
  }

  private static Reason check(HttpRequest request) {
    HttpVersion version = request.protocolVersion();
    if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
      return Reason.VERSION; // HTTP/1.2 or HTTP/9.9: Vert.x would answer 501, a client's error is a 4xx
    }
    HttpHeaders headers = request.headers();
    String coding = headers.get(HttpHeaderNames.TRANSFER_ENCODING);
    if (coding != null) {
      int comma = coding.lastIndexOf(',');
      if (!coding.substring(comma + 1).trim().equalsIgnoreCase(HttpHeaderValues.CHUNKED.toString())) {
        return Reason.TRANSFER_CODING;
      }
    }
    String expect = headers.get(HttpHeaderNames.EXPECT);
    if (expect != null && !expect.trim().equalsIgnoreCase(HttpHeaderValues.CONTINUE.toString())) {
      return Reason.EXPECTATION;
    }
    return null;
  }

  private void refuse(ChannelHandlerContext ctx, Object msg, Reason reason) {
    ReferenceCountUtil.release(msg);
    refusing = true;
    rejected.accept(reason);
    boolean brokenBodyUnanswered = reason == Reason.CHUNK_FRAMING && owed == 1 && !answering;
    if (owed > 0 && !brokenBodyUnanswered) {
      // Another answer is owed first, or under way: one from here would be taken for it.
      ctx.close();
      return;
    }
    ctx.writeAndFlush(answer(reason)).addListener(ChannelFutureListener.CLOSE);
  }

  private static FullHttpResponse answer(Reason reason) {
    boolean expectation = reason == Reason.EXPECTATION;
    String body = expectation
        ? "{\"error\":\"expectation_failed\",\"message\":\"Only Expect: 100-continue is supported.\"}"
        : reason == Reason.VERSION
        ? "{\"error\":\"bad_version\",\"message\":\"This server speaks HTTP/1.0, HTTP/1.1 and HTTP/2.\"}"
        : "{\"error\":\"bad_request\",\"message\":\"The request's framing cannot be trusted (" + reason.tag + ").\"}";
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        expectation ? HttpResponseStatus.EXPECTATION_FAILED : HttpResponseStatus.BAD_REQUEST,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse && ((HttpResponse) msg).status().code() >= 200) {
      answering = true; // 1xx (100 Continue) is not the answer
    }
    if (msg instanceof LastHttpContent && answering) {
      owed = Math.max(0, owed - 1);
      answering = false;
    }
    ctx.write(msg, promise);
  }
}
