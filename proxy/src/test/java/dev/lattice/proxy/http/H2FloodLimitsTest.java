package dev.lattice.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The server's handler, built with the proxy's own frame writer, keeps Netty's flood protections:
 * a peer that makes it queue control frames it never reads, or provokes stream resets one after
 * another, loses the connection with ENHANCE_YOUR_CALM.
 */
class H2FloodLimitsTest {
  private final AtomicLong now = new AtomicLong();

  private EmbeddedChannel server(H2Handlers.Limits limits, io.netty.channel.ChannelHandler... below) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.pipeline().addLast(below);
    H2Handlers.addTo(channel.pipeline(), H2Handlers.server(new Http2FrameAdapter(), Duration.ofSeconds(1), limits));
    return channel;
  }

  private static ByteBuf clientBytes(BiConsumer<Http2FrameWriter, ChannelHandlerContext> frames) {
    return H2TestPeer.clientBytes(frames);
  }

  private static ByteBuf prefaceAndSettings() {
    return H2TestPeer.prefaceAndSettings(new Http2Settings());
  }

  /** Holds every write without completing it: a peer that has stopped reading. */
  private static final class UnreadSocket extends ChannelOutboundHandlerAdapter {
    final List<Object> held = new ArrayList<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      held.add(msg);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {}

    void release() {
      held.forEach(ReferenceCountUtil::release);
    }
  }

  /** The error codes of the GOAWAY and RST_STREAM frames the server wrote. */
  private static List<String> framesWritten(EmbeddedChannel channel) {
    List<String> frames = new ArrayList<>();
    H2TestPeer.readWritten(channel, new Http2FrameAdapter() {
      @Override
      public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
        frames.add("GOAWAY " + Http2Error.valueOf(errorCode));
      }

      @Override
      public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        frames.add("RST_STREAM " + streamId + " " + Http2Error.valueOf(errorCode));
      }
    });
    return frames;
  }

  @Test
  void aPeerThatNeverReadsItsPingAcksLosesTheConnectionAtTheLimit() {
    UnreadSocket socket = new UnreadSocket();
    EmbeddedChannel channel = server(new H2Handlers.Limits(3, 200, 30, now::get), socket);
    channel.writeInbound(prefaceAndSettings()); // its SETTINGS ack is the first control frame held
    channel.writeInbound(clientBytes((w, ctx) -> w.writePing(ctx, false, 1, ctx.newPromise())));
    channel.writeInbound(clientBytes((w, ctx) -> w.writePing(ctx, false, 2, ctx.newPromise())));
    assertThat(channel.isOpen()).isTrue();

    channel.writeInbound(clientBytes((w, ctx) -> w.writePing(ctx, false, 3, ctx.newPromise())));
    assertThat(channel.isOpen()).isFalse();
    socket.release();
  }

  @Test
  void pingAcksThatAreWrittenNeverCountAgainstTheLimit() {
    EmbeddedChannel channel = server(new H2Handlers.Limits(3, 200, 30, now::get));
    channel.writeInbound(prefaceAndSettings());
    for (int i = 0; i < 50; i++) {
      long data = i;
      channel.writeInbound(clientBytes((w, ctx) -> w.writePing(ctx, false, data, ctx.newPromise())));
      channel.flushOutbound();
    }
    assertThat(channel.isOpen()).isTrue();
    channel.finishAndReleaseAll();
  }

  /** A stream opened and then given a zero WINDOW_UPDATE: a stream error the server answers with a reset. */
  private static ByteBuf provokedReset(int streamId) {
    return clientBytes((w, ctx) -> {
      w.writeHeaders(ctx, streamId, new DefaultHttp2Headers().method("GET").scheme("http").authority("a").path("/"),
          0, false, ctx.newPromise());
      w.writeWindowUpdate(ctx, streamId, 0, ctx.newPromise());
    });
  }

  /** A server that allows two provoked resets per 30 s, after a client has provoked two. */
  private EmbeddedChannel serverAtTheResetLimit() {
    EmbeddedChannel channel = server(new H2Handlers.Limits(10_000, 2, 30, now::get));
    channel.writeInbound(prefaceAndSettings());
    channel.writeInbound(provokedReset(1));
    channel.writeInbound(provokedReset(3));
    return channel;
  }

  @Test
  void provokedResetsBeyondTheWindowsLimitEndTheConnectionWithEnhanceYourCalm() {
    EmbeddedChannel channel = serverAtTheResetLimit();
    assertThat(channel.isOpen()).isTrue();
    assertThat(framesWritten(channel)).containsExactly("RST_STREAM 1 PROTOCOL_ERROR", "RST_STREAM 3 PROTOCOL_ERROR");

    channel.writeInbound(provokedReset(5));
    assertThat(framesWritten(channel)).containsExactly("RST_STREAM 5 PROTOCOL_ERROR", "GOAWAY ENHANCE_YOUR_CALM");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void theResetCountStartsAgainInANewWindow() {
    EmbeddedChannel channel = serverAtTheResetLimit();
    now.addAndGet(TimeUnit.SECONDS.toNanos(30));
    channel.writeInbound(provokedReset(5));
    channel.writeInbound(provokedReset(7));
    assertThat(channel.isOpen()).isTrue();
    assertThat(framesWritten(channel)).doesNotContain("GOAWAY ENHANCE_YOUR_CALM");
    channel.finishAndReleaseAll();
  }
}
