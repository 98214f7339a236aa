package dev.lattice.proxy.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LifecycleManager;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Ends a connection on which this side has had to reset more than {@code max} streams with an
 * error within a window ("MadeYouReset", CVE-2025-55163): a peer can provoke resets with frames
 * that are each valid on their own, and every reset frees the stream's slot while the work behind
 * it may go on. CANCEL and NO_ERROR resets are ours to make freely and are not counted.
 *
 * <p>Netty's handler builder installs the same protection (200 per 30 s) only when it also creates
 * the frame writer; the proxy supplies its own writer ({@link CompactFrameWriter}), so it supplies
 * this too.
 */
final class ResetFloodLimit extends DecoratingHttp2ConnectionEncoder {
  /** Netty's default for the same limit. */
  static final int DEFAULT_MAX_RESETS = 200;
  static final int DEFAULT_WINDOW_SECONDS = 30;
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ResetFloodLimit.class);

  private final int maxResets;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  private Http2LifecycleManager lifecycle;
  private long windowStart;
  private int resetsInWindow;

  ResetFloodLimit(Http2ConnectionEncoder delegate, int maxResets, int windowSeconds) {
    this(delegate, maxResets, windowSeconds, System::nanoTime);
  }

  ResetFloodLimit(Http2ConnectionEncoder delegate, int maxResets, int windowSeconds, LongSupplier nanoClock) {
    super(delegate);
    this.maxResets = maxResets;
    this.windowNanos = TimeUnit.SECONDS.toNanos(windowSeconds);
    this.nanoClock = nanoClock;
    this.windowStart = nanoClock.getAsLong();
  }

  @Override
  public void lifecycleManager(Http2LifecycleManager lifecycleManager) {
    this.lifecycle = lifecycleManager;
    super.lifecycleManager(lifecycleManager);
  }

  @Override
  public ChannelFuture writeRstStream(ChannelHandlerContext ctx, int streamId, long errorCode, ChannelPromise promise) {
    ChannelFuture future = super.writeRstStream(ctx, streamId, errorCode, promise);
    if (errorCode == Http2Error.CANCEL.code() || errorCode == Http2Error.NO_ERROR.code()) {
      return future;
    }
    long now = nanoClock.getAsLong();
    if (now - windowStart >= windowNanos) {
      windowStart = now;
      resetsInWindow = 1;
    } else if (++resetsInWindow > maxResets) {
      Http2Exception cause = Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
          "Maximum number %d of RST frames reached within %d seconds", maxResets,
          TimeUnit.NANOSECONDS.toSeconds(windowNanos));
      log.debug("{}: reset {} streams with errors within {} s; closing the connection",
          ctx.channel(), resetsInWindow, TimeUnit.NANOSECONDS.toSeconds(windowNanos));
      lifecycle.onError(ctx, true, cause);
      ctx.close();
    }
    return future;
  }
}
