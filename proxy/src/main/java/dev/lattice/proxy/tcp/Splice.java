package dev.lattice.proxy.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Copies bytes both ways between two connected channels. Backpressure: a side stops reading while
 * the other cannot take more writes, so a slow reader never makes the proxy buffer a whole stream.
 * When one side closes, the other is flushed and closed.
 */
public final class Splice extends ChannelInboundHandlerAdapter {
  public static final String NAME = "splice";

  private final Channel peer;

  private Splice(Channel peer) {
    this.peer = peer;
  }

  /** Installs the relay on both channels (at the end of their pipelines) and starts reading. */
  public static void between(Channel a, Channel b) {
    a.pipeline().addLast(NAME, new Splice(b));
    b.pipeline().addLast(NAME, new Splice(a));
    a.config().setAutoRead(true);
    b.config().setAutoRead(true);
  }

  /** A handler that relays what this channel reads to {@code peer}; the caller installs it. */
  public static Splice to(Channel peer) {
    return new Splice(peer);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    peer.write(msg, peer.voidPromise());
    if (!peer.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      peer.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeAfterFlush(peer);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
    closeAfterFlush(peer);
  }

  /** Closes {@code ch} once what was written to it has gone out. */
  public static void closeAfterFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
