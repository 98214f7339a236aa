package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Writes a body piece as DATA through Netty's HTTP/2 encoder and tells the piece's source when
 * its bytes have left, which is when the source may send more.
 *
 * <p>When the stream's and the connection's send windows and the channel can all take more, the
 * bytes are as good as gone: the source hears it at once and the write carries no listener. Only
 * a piece that has to wait (a slow reader, an exhausted window) is tracked until it is written —
 * so what waits here stays bounded by the peer's windows plus one piece. Netty's encoder makes a
 * promise for every write anyway; a second listener on it cost a listener array and a lambda per
 * DATA frame.
 */
final class H2DataWrites {
  private H2DataWrites() {}

  static void write(Http2ConnectionHandler handler, ChannelHandlerContext ctx, int streamId, ByteBuf data,
      boolean endOfStream, BodySource source) {
    int n = data.readableBytes();
    if (source == BodySource.NONE || canTakeNow(handler, streamId)) {
      // The channel's own void promise: a failed write (the stream was reset meanwhile) is the
      // stream's business, reported by its reset, not an exception on the connection.
      handler.encoder().writeData(ctx, streamId, data, 0, endOfStream, ctx.channel().unsafe().voidPromise());
      source.consumed(n);
      return;
    }
    handler.encoder().writeData(ctx, streamId, data, 0, endOfStream, ctx.newPromise())
        .addListener(f -> source.consumed(n));
  }

  private static boolean canTakeNow(Http2ConnectionHandler handler, int streamId) {
    Http2Stream stream = handler.connection().stream(streamId);
    return stream != null && handler.encoder().flowController().isWritable(stream);
  }
}
