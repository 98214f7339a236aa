package dev.lattice.proxy.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Batches flushes on a connection. Every stream on a shared HTTP/2 connection flushes when its
 * request or response is complete; without batching each of those becomes its own TLS record and
 * write(2) — with 64 streams in flight the proxy spent as much time in write syscalls as in all of
 * its Java code. Sitting below the codec (above TLS), this turns the flushes of one event-loop pass
 * into one: flushes during a read of this connection wait for its read-complete, other flushes run
 * as one task after the loop's current batch of I/O.
 *
 * <p>The same policy as Netty's {@code FlushConsolidationHandler(64, true)}, which schedules its
 * deferred flush with {@code submit} — a new future per flush outside a read, i.e. per response
 * relayed to an HTTP/1 client. Here the deferred flush is one reused task and a flag.
 */
final class FlushBatching extends ChannelDuplexHandler {
  static final String NAME = "flush-batch";

  /** Flush at the latest after this many deferred flushes, so a long read loop still makes progress. */
  private static final int MAX_DEFERRED = 64;

  private final Runnable deferredFlush = this::runDeferredFlush;
  private final Runnable beforeFlush;
  private ChannelHandlerContext ctx;
  private int pending;
  private boolean reading;
  /** A {@link #deferredFlush} is queued on the loop and has not been overtaken by a flush. */
  private boolean flushQueued;

  private FlushBatching(Runnable beforeFlush) {
    this.beforeFlush = beforeFlush;
  }

  static FlushBatching create() {
    return new FlushBatching(() -> {});
  }

  /**
   * Batching that runs {@code beforeFlush} right before each flush it lets through: the HTTP/2
   * frame writer above hands over the frames it gathered during the pass ({@link
   * CompactFrameWriter#seal}), so they leave in the same TLS record and write as everything else.
   */
  static FlushBatching create(Runnable beforeFlush) {
    return new FlushBatching(beforeFlush);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (++pending == MAX_DEFERRED) {
      flushNow(ctx);
    } else if (!reading && !flushQueued) {
      flushQueued = true;
      ctx.channel().eventLoop().execute(deferredFlush);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    readDoneFlushIfNeeded(ctx);
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    readDoneFlushIfNeeded(ctx);
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    readDoneFlushIfNeeded(ctx);
    ctx.disconnect(promise);
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    readDoneFlushIfNeeded(ctx);
    ctx.close(promise);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (!ctx.channel().isWritable()) {
      flushIfNeeded(ctx); // what is held back may be what the peer needs to make room
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    flushIfNeeded(ctx);
  }

  private void readDoneFlushIfNeeded(ChannelHandlerContext ctx) {
    reading = false;
    flushIfNeeded(ctx);
  }

  private void flushIfNeeded(ChannelHandlerContext ctx) {
    if (pending > 0) {
      flushNow(ctx);
    }
  }

  private void flushNow(ChannelHandlerContext ctx) {
    // A queued deferred flush finds nothing to do; it is not cancelled, only disarmed.
    flushQueued = false;
    pending = 0;
    beforeFlush.run();
    ctx.flush();
  }

  private void runDeferredFlush() {
    if (!flushQueued) {
      return;
    }
    flushQueued = false;
    // During a read the read-complete flushes; a flush after that queues a new task.
    if (pending > 0 && !reading) {
      pending = 0;
      beforeFlush.run();
      ctx.flush();
    }
  }
}
