package dev.lattice.proxy.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Holds whatever arrives while the next stage is being decided (e.g. application bytes right behind
 * a TLS handshake), then {@link #release} replays it after the stage was installed behind this one.
 */
public final class Hold extends ChannelInboundHandlerAdapter {
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean inactive;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    held.add(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // swallowed: the next stage gets one after the replay
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inactive = true;
    drop();
    ctx.fireChannelInactive();
  }

  /** Replays what was held to the handlers now behind this one, and steps out of the pipeline. */
  public void release() {
    if (ctx == null || ctx.isRemoved()) {
      return;
    }
    if (inactive) {
      ctx.pipeline().remove(this);
      return;
    }
    boolean any = !held.isEmpty();
    Object m;
    while ((m = held.poll()) != null) {
      ctx.fireChannelRead(m);
    }
    if (any) {
      ctx.fireChannelReadComplete();
    }
    ctx.pipeline().remove(this);
  }

  private void drop() {
    Object m;
    while ((m = held.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  public String name() {
    return ctx.name();
  }
}
