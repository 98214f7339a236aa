package dev.lattice.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.function.BiConsumer;

/** The client side of an HTTP/2 connection to a handler in an {@link EmbeddedChannel}, as raw frames. */
final class H2TestPeer {
  private H2TestPeer() {}

  /** The bytes Netty's writer makes of {@code frames}. */
  static ByteBuf clientBytes(BiConsumer<Http2FrameWriter, ChannelHandlerContext> frames) {
    EmbeddedChannel capture = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    frames.accept(new DefaultHttp2FrameWriter(), capture.pipeline().firstContext());
    capture.flush();
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = capture.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    return all;
  }

  /** A client's connection preface and its first SETTINGS. */
  static ByteBuf prefaceAndSettings(Http2Settings settings) {
    ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
    return Unpooled.wrappedBuffer(preface, clientBytes((w, ctx) -> w.writeSettings(ctx, settings, ctx.newPromise())));
  }

  /** Reads every frame the handler has written so far (its preface SETTINGS first) into {@code listener}. */
  static void readWritten(EmbeddedChannel channel, Http2FrameListener listener) {
    ByteBuf all = Unpooled.buffer();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      all.writeBytes((ByteBuf) o);
      ((ByteBuf) o).release();
    }
    // HEADERS are decoded with a context's allocator, so the reader gets one of its own.
    EmbeddedChannel reading = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    try (DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader()) {
      reader.readFrame(reading.pipeline().firstContext(), all, listener);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      all.release();
      reading.finishAndReleaseAll();
    }
  }
}
