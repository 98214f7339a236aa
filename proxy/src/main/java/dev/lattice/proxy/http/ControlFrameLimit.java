package dev.lattice.proxy.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LifecycleManager;

/**
 * Bounds the control frames a peer can make this side queue: SETTINGS acks, PING acks and
 * RST_STREAMs answer the peer's frames, so a peer that sends those frames but never reads would
 * otherwise grow our outbound queue without limit. Past {@code max} unwritten ones (after one flush
 * to drain what the socket takes) the connection ends with ENHANCE_YOUR_CALM.
 *
 * <p>Netty's handler builder installs the same protection, but only when it also creates the frame
 * writer; the proxy supplies its own writer ({@link CompactFrameWriter}), so it supplies this too.
 */
final class ControlFrameLimit extends DecoratingHttp2ConnectionEncoder {
  /** Netty's default for the same limit. */
  static final int DEFAULT_MAX_OUTSTANDING = 10_000;
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ControlFrameLimit.class);

  private final int maxOutstanding;
  private int outstanding;
  private final ChannelFutureListener written = f -> outstanding--;
  private Http2LifecycleManager lifecycle;
  private boolean exceeded;

  ControlFrameLimit(Http2ConnectionEncoder delegate, int maxOutstanding) {
    super(delegate);
    if (maxOutstanding <= 0) {
      throw new IllegalArgumentException("maxOutstanding must be positive: " + maxOutstanding);
    }
    this.maxOutstanding = maxOutstanding;
  }

  @Override
  public void lifecycleManager(Http2LifecycleManager lifecycleManager) {
    this.lifecycle = lifecycleManager;
    super.lifecycleManager(lifecycleManager);
  }

  @Override
  public ChannelFuture writeSettingsAck(ChannelHandlerContext ctx, ChannelPromise promise) {
    return super.writeSettingsAck(ctx, counted(ctx, promise));
  }

  @Override
  public ChannelFuture writePing(ChannelHandlerContext ctx, boolean ack, long data, ChannelPromise promise) {
    // Our own pings are ours to pace; only the acks answer the peer.
    return super.writePing(ctx, ack, data, ack ? counted(ctx, promise) : promise);
  }

  @Override
  public ChannelFuture writeRstStream(ChannelHandlerContext ctx, int streamId, long errorCode, ChannelPromise promise) {
    return super.writeRstStream(ctx, streamId, errorCode, counted(ctx, promise));
  }

  /** The promise to write with: counted until written, or as given once the limit has ended things. */
  private ChannelPromise counted(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (exceeded) {
      return promise;
    }
    if (outstanding == maxOutstanding) {
      ctx.flush();
    }
    if (outstanding == maxOutstanding) {
      exceeded = true;
      Http2Exception cause = Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
          "Maximum number %d of outstanding control frames reached", maxOutstanding);
      log.info("{}: the peer left {} control frames unread; closing the connection", ctx.channel(), maxOutstanding);
      lifecycle.onError(ctx, true, cause);
      ctx.close();
    }
    outstanding++;
    return promise.unvoid().addListener(written);
  }
}
