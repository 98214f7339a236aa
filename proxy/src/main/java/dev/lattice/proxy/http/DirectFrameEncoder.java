package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2LifecycleManager;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Netty's HTTP/2 encoder, except that a DATA frame the peer's windows and the channel can take as
 * it is goes straight to the frame writer, and so does a stream's first head written with a void
 * promise.
 *
 * <p>Netty hands every DATA frame to the remote flow controller: a queued-frame object with a
 * buffer queue of its own (and that queue's {@code ArrayDeque}), a promise made from the caller's
 * void one with a listener on it, a place in the stream's queue and in the byte distributor's, and
 * a pass of the distributor at the next flush that finally writes it. On a mesh hop almost every
 * frame fits its windows when it is written — a response body of a few hundred bytes against
 * 64 KiB per stream and 1 MiB per connection — so all of that is bookkeeping around an immediate
 * write. Here such a frame is written at once and both windows are charged with it, exactly what
 * the flow controller would have done at the flush.
 *
 * <p>Everything else still goes through the flow controller: a frame larger than a window, than
 * the peer's frame size or than what the channel takes before it becomes unwritable; a stream that
 * already has frames waiting (so a stream's frames never overtake each other); padding. A stream
 * in a state that cannot send DATA is left to Netty's encoder too, for its error.
 *
 * <p>A head: Netty's encoder turns the caller's void promise into a real one and puts a listener on
 * it for every HEADERS frame, and the TLS handler then tracks that promise too. The relay writes
 * its heads with void promises, so the first head of a stream that stays open (a response or
 * request head followed by a body) is written with the void promise as it is, and marked sent as
 * Netty marks it. A head that ends its stream (the stream's close waits on the write), an
 * informational or repeated head, trailers, padding, a stream not yet created or a promise that
 * is not void go through Netty's encoder. A head that cannot be encoded is reported to the
 * connection as Netty reports it.
 */
final class DirectFrameEncoder extends DefaultHttp2ConnectionEncoder {
  private final CompactFrameWriter writer;
  private Http2LifecycleManager lifecycle;

  DirectFrameEncoder(Http2Connection connection, CompactFrameWriter writer) {
    super(connection, writer);
    this.writer = writer;
  }

  @Override
  public void lifecycleManager(Http2LifecycleManager lifecycleManager) {
    super.lifecycleManager(lifecycleManager);
    this.lifecycle = lifecycleManager;
  }

  @Override
  public ChannelFuture writeData(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
      boolean endOfStream, ChannelPromise promise) {
    Http2Stream stream = connection().stream(streamId);
    int size = data.readableBytes();
    if (padding != 0 || stream == null || !fitsNow(ctx, stream, size)) {
      return super.writeData(ctx, streamId, data, padding, endOfStream, promise);
    }
    Http2RemoteFlowController flow = flowController();
    try {
      flow.incrementWindowSize(stream, -size);
      flow.incrementWindowSize(connection().connectionStream(), -size);
    } catch (Http2Exception impossible) {
      // Only an increment can overflow a window; this one is negative and was checked against both.
      throw new IllegalStateException(impossible);
    }
    if (!endOfStream) {
      // Nothing waits on this write: a failure means the connection is going, and its close
      // resets the stream. A void promise stays void (no listener, nothing for TLS to track).
      return frameWriter().writeData(ctx, streamId, data, 0, false, promise);
    }
    // As Netty's encoder does for its direct HEADERS: the stream's local side closes with the frame.
    ChannelFuture future = frameWriter().writeData(ctx, streamId, data, 0, true, promise.unvoid());
    lifecycle.closeStreamLocal(stream, future);
    return future;
  }

  @Override
  public ChannelFuture writeHeaders(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
      boolean endOfStream, ChannelPromise promise) {
    Http2Stream stream = connection().stream(streamId);
    if (!promise.isVoid() || endOfStream || padding != 0 || stream == null || !firstFinalHead(stream, headers)) {
      return super.writeHeaders(ctx, streamId, headers, padding, endOfStream, promise);
    }
    try {
      ChannelFuture future = writer.writeHeadersOrThrow(ctx, streamId, headers, false, promise);
      stream.headersSent(false);
      return future;
    } catch (Http2Exception e) {
      lifecycle.onError(ctx, true, e);
      return ctx.newFailedFuture(e);
    }
  }

  /** Whether {@code headers} are the stream's first head and not an informational (1xx) one. */
  private boolean firstFinalHead(Http2Stream stream, Http2Headers headers) {
    Http2Stream.State state = stream.state();
    return (state == Http2Stream.State.OPEN || state == Http2Stream.State.HALF_CLOSED_REMOTE)
        && !stream.isHeadersSent()
        && !stream.isTrailersSent()
        && !(connection().isServer() && HttpStatusClass.valueOf(headers.status()) == HttpStatusClass.INFORMATIONAL);
  }

  private boolean fitsNow(ChannelHandlerContext ctx, Http2Stream stream, int size) {
    Http2Stream.State state = stream.state();
    if (state != Http2Stream.State.OPEN && state != Http2Stream.State.HALF_CLOSED_REMOTE) {
      return false;
    }
    Http2RemoteFlowController flow = flowController();
    return !flow.hasFlowControlled(stream)
        && size <= configuration().frameSizePolicy().maxFrameSize()
        && size <= flow.windowSize(stream)
        && size <= flow.windowSize(connection().connectionStream())
        // What the writer has batched is on its way to the channel: it counts as written.
        && size + writer.batchedBytes() <= ctx.channel().bytesBeforeUnwritable();
  }
}
