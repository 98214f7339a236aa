package dev.lattice.proxy.detect;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Buffers a connection's first bytes until {@link #decide} has an answer or the timeout fires,
 * then lets the next stage install itself after this handler, replays every byte it saw to it,
 * and removes itself. It never consumes bytes: whatever it peeked, the next stage reads.
 */
public abstract class PeekHandler<R> extends ChannelInboundHandlerAdapter {
  /** Installs the next stage after {@code ctx} (or closes the channel); the peeked bytes follow. */
  @FunctionalInterface
  public interface Next<R> {
    void detected(ChannelHandlerContext ctx, R result);
  }

  private final Duration timeout;
  private final int maxBytes;
  private final Next<R> next;
  private ByteBuf buffer;
  private ScheduledFuture<?> timer;
  private boolean done;
  private long startNanos;

  protected PeekHandler(Duration timeout, int maxBytes, Next<R> next) {
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.next = next;
  }

  /** The outcome for the bytes so far, or null to wait for more. */
  protected abstract R decide(ByteBuf peeked, boolean full);

  /** The outcome when the timeout fires first. */
  protected abstract R timedOut();

  /** Called once the outcome is known, {@code elapsedNanos} after this handler started peeking (for metrics). */
  protected void decided(R result, long elapsedNanos) {}

  /** Called if the connection closes before an outcome, {@code elapsedNanos} after peeking started. */
  protected void closedUndecided(long elapsedNanos) {}

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    buffer = ctx.alloc().buffer(Math.min(maxBytes, 1024));
    startNanos = System.nanoTime();
    timer = ctx.executor().schedule(() -> finish(ctx, timedOut()), timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (!ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done || !(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      buffer.writeBytes(in, Math.min(in.readableBytes(), Math.max(0, maxBytes - buffer.readableBytes())));
      if (in.isReadable()) {
        // More than we peek at: it all belongs to the next stage, in order.
        buffer = ctx.alloc().compositeBuffer().addComponents(true, buffer, in.retain());
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
    R result = decide(buffer, buffer.readableBytes() >= maxBytes);
    if (result != null) {
      finish(ctx, result);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (done) {
      ctx.fireChannelReadComplete();
    } else if (!ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!done) {
      closedUndecided(System.nanoTime() - startNanos);
    }
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void finish(ChannelHandlerContext ctx, R result) {
    if (done) {
      return;
    }
    done = true;
    cancel();
    decided(result, System.nanoTime() - startNanos);
    ByteBuf replay = buffer;
    buffer = null;
    next.detected(ctx, result);
    if (ctx.isRemoved()) {
      replay.release();
      return;
    }
    if (replay.isReadable() && ctx.channel().isActive()) {
      ctx.fireChannelRead(replay);
      ctx.fireChannelReadComplete();
    } else {
      replay.release();
    }
    if (!ctx.isRemoved()) {
      ctx.pipeline().remove(this);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (buffer != null && !done) {
      buffer.release();
      buffer = null;
    }
  }
}
