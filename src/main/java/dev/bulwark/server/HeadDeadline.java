package dev.bulwark.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP/1.x connection whose request head (request line and headers) has not arrived whole within
 * {@code http.headerTimeout} of its first byte, or of the connection's start for its first request. An idle timeout
 * cannot do this: a client that sends one byte every few seconds is never idle.
 *
 * <p>A handler before the HTTP decoder sees bytes arrive (a head starts); the one after it, {@link RequestFraming},
 * reports the decoded request (the head is complete) and its last content (the next bytes start a new head). A head
 * that arrives in the read that started it, which is almost every head, costs two field writes and a clock read; a
 * timer is scheduled only for a connection's first head (due from the connection's start, before any byte) and for a
 * head still incomplete after its read. After an upgrade (WebSocket, h2c) the decoder is gone and the handler removes
 * itself the first time its timer fires.
 */
final class HeadDeadline {

  /** Names Vert.x 5 gives the HTTP/1.x decoder and its own last handler in a connection's pipeline. */
  static final String DECODER = "httpDecoder";
  static final String VERTX_HANDLER = "handler";
  private static final String BYTES = "bulwark.headStart";

  private enum State { IDLE, HEAD, BODY }

  private final long timeoutNanos;
  private final Runnable onTimeout;
  private State state = State.HEAD;
  private long headStart = System.nanoTime();
  private ScheduledFuture<?> timer;
  private ChannelHandlerContext bytes;

  private HeadDeadline(long timeoutNanos, Runnable onTimeout) {
    this.timeoutNanos = timeoutNanos;
    this.onTimeout = onTimeout;
  }

  /**
   * Puts a deadline on the heads of an HTTP/1.x connection (its pipeline has Vert.x's decoder), from now for its first
   * head; the handler after the decoder reports decoded heads and ends of requests ({@link #headArrived()},
   * {@link #requestEnded()}). Call on the connection's event loop.
   */
  static HeadDeadline install(ChannelPipeline pipeline, long timeoutNanos, Runnable onTimeout) {
    HeadDeadline deadline = new HeadDeadline(timeoutNanos, onTimeout);
    pipeline.addBefore(DECODER, BYTES, deadline.new Bytes());
    deadline.armIfIncomplete();
    return deadline;
  }

  /** The decoder produced a request: its head is complete. */
  void headArrived() {
    state = State.BODY;
    disarm();
  }

  /** A request's last content went by: the next bytes start a new head. */
  void requestEnded() {
    state = State.IDLE;
  }

  private void armIfIncomplete() {
    if (state == State.HEAD && timer == null) {
      long left = Math.max(0, timeoutNanos - (System.nanoTime() - headStart));
      timer = bytes.executor().schedule(this::expire, left, TimeUnit.NANOSECONDS);
    }
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire() {
    timer = null;
    if (state != State.HEAD || !bytes.channel().isActive()) {
      return;
    }
    ChannelPipeline pipeline = bytes.pipeline();
    if (pipeline.get(DECODER) == null) {
      // Upgraded: what arrives now is not a head.
      pipeline.remove(BYTES);
      return;
    }
    if (System.nanoTime() - headStart < timeoutNanos) {
      armIfIncomplete(); // a later head than the one this timer was set for
      return;
    }
    onTimeout.run();
    // No answer: the client is not reading one (nginx does the same for client_header_timeout).
    bytes.channel().close();
  }

  /** Before the decoder: the first bytes after a complete request start the next head. */
  private final class Bytes extends ChannelInboundHandlerAdapter {

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      bytes = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      disarm();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (state == State.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
        state = State.HEAD;
        headStart = System.nanoTime();
      }
      ctx.fireChannelRead(msg);
      armIfIncomplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      disarm();
      ctx.fireChannelInactive();
    }
  }
}
