package dev.bulwark.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxConnection;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1.x connection whose request body was left unread without losing the answer just written: closing
 * a socket with unread input resets it, and a client still sending its body then loses the answer waiting in its
 * receive buffer. So the answer is followed by a FIN (output shut down), what the client still sends is read and
 * dropped, and the socket closes when the client closes its side, or after {@code lingerMillis} at most (nginx's
 * lingering close). What Vert.x had queued of the body is released first.
 */
final class LingeringClose {

  private static final Logger LOG = LoggerFactory.getLogger(LingeringClose.class);
  private static final VarHandle PENDING = pendingField();

  private LingeringClose() {
  }

  /** Call once the answer has been written; with {@code lingerMillis} 0 it closes at once. */
  static void close(HttpConnection connection, long lingerMillis) {
    if (!(connection instanceof ConnectionBase base) || !(base.channel() instanceof DuplexChannel)) {
      connection.close();
      return;
    }
    Channel channel = base.channel();
    channel.eventLoop().execute(() -> {
      releasePending(base);
      if (lingerMillis == 0 || !channel.isActive()) {
        connection.close();
        return;
      }
      channel.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ReferenceCountUtil.release(msg); // the rest of a refused body: read, so the close resets nothing
        }
      });
      channel.config().setAutoRead(true);
      ((DuplexChannel) channel).shutdownOutput();
      // The client's FIN closes the channel (half-closure is off); a client that keeps sending is cut here.
      channel.eventLoop().schedule(() -> {
        channel.close();
      }, lingerMillis, TimeUnit.MILLISECONDS);
    });
  }

  /**
   * Releases what Vert.x read while the connection was paused (a route stopped reading the body it refused) and will
   * now never hand on: Vert.x 5.0.7 keeps it in its connection's {@code pending} queue, which it drops unreleased when
   * the connection closes. On the main port those are heap copies ({@code RequestFraming}); on a plain vertx-web
   * server they are pooled buffers, which would never return. Runs on the connection's event loop, before the close.
   */
  private static void releasePending(ConnectionBase connection) {
    if (PENDING == null || !(connection instanceof VertxConnection vertx)) {
      return;
    }
    Deque<?> pending = (Deque<?>) PENDING.get(vertx);
    Object message;
    while (pending != null && (message = pending.poll()) != null) {
      ReferenceCountUtil.release(message);
    }
  }

  private static VarHandle pendingField() {
    try {
      return MethodHandles.privateLookupIn(VertxConnection.class, MethodHandles.lookup())
          .findVarHandle(VertxConnection.class, "pending", Deque.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Vert.x's queue of messages read while paused is out of reach ({}): a plain vertx-web server may keep "
          + "pooled buffers of refused bodies", e.toString());
      return null;
    }
  }
}
