package dev.bulwark.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP/1.x connection whose request body was left unread without losing the answer just written: closing
 * a socket with unread input resets it, and a client still sending its body then loses the answer waiting in its
 * receive buffer. So the answer is followed by a FIN (output shut down), what the client still sends is read and
 * dropped, and the socket closes when the client closes its side, or after {@code lingerMillis} at most (nginx's
 * lingering close).
 */
final class LingeringClose {

  private LingeringClose() {
  }

  /** Call once the answer has been written. */
  static void close(HttpConnection connection, long lingerMillis) {
    if (!(connection instanceof ConnectionBase base) || !(base.channel() instanceof DuplexChannel)) {
      connection.close();
      return;
    }
    Channel channel = base.channel();
    channel.eventLoop().execute(() -> {
      if (!channel.isActive()) {
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
}
