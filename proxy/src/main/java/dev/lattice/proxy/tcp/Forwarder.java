package dev.lattice.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * Opens the upstream connection for an accepted one, holds whatever the client sent meanwhile (the
 * detectors' replayed bytes), then splices the two. If the upstream cannot be reached the accepted
 * connection is closed: opaque TCP has no way to say why, so the stack counts it ({@code unreachable}).
 */
public final class Forwarder extends ChannelInboundHandlerAdapter {
  private final Function<EventLoop, Future<Channel>> connect;
  private final Runnable unreachable;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private Channel upstream;

  /** {@code unreachable} runs when the upstream cannot be reached, before the accepted connection closes. */
  public Forwarder(Function<EventLoop, Future<Channel>> connect, Runnable unreachable) {
    this.connect = connect;
    this.unreachable = unreachable;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel accepted = ctx.channel();
    accepted.config().setAutoRead(false);
    connect.apply(accepted.eventLoop()).addListener(f -> {
      if (!f.isSuccess()) {
        releaseHeld();
        unreachable.run();
        accepted.close();
        return;
      }
      Channel up = (Channel) f.getNow();
      if (!accepted.isActive()) {
        up.close();
        releaseHeld();
        return;
      }
      ctx.executor().execute(() -> connected(ctx, up));
    });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (upstream == null) {
      held.add(msg);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseHeld();
    ctx.fireChannelInactive();
  }

  private void connected(ChannelHandlerContext ctx, Channel up) {
    if (ctx.isRemoved() || !ctx.channel().isActive()) {
      up.close();
      releaseHeld();
      return;
    }
    upstream = up;
    Channel accepted = ctx.channel();
    up.pipeline().addLast(Splice.NAME, Splice.to(accepted));
    ctx.pipeline().addAfter(ctx.name(), Splice.NAME, Splice.to(up));
    while (!held.isEmpty()) {
      up.write(held.poll(), up.voidPromise());
    }
    up.flush();
    if (!up.isActive()) {
      accepted.close();
    }
    ctx.pipeline().remove(this);
    accepted.config().setAutoRead(true);
    up.config().setAutoRead(true);
  }

  private void releaseHeld() {
    Object m;
    while ((m = held.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }
}
