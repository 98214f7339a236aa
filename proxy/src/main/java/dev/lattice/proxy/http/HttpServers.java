package dev.lattice.proxy.http;

import dev.lattice.proxy.listen.Drain;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Installs the client-facing HTTP server on a connection whose protocol is known: HTTP/1.1 (one
 * {@link HttpServerHandler} per connection) or HTTP/2 (one per stream). Both speak
 * {@link io.netty.handler.codec.http.HttpObject}s to the exchange, so the relay is one piece of
 * code whatever the versions on either side.
 */
public final class HttpServers {
  /** Per-stream window 64 KiB and a 1 MiB connection window, as Linkerd's defaults. */
  static final int STREAM_WINDOW = 65_535;
  static final int CONNECTION_WINDOW = 1 << 20;

  /** Stateless (sharable): one instance serves every stream. */
  private static final Http2StreamFrameToHttpObjectCodec SERVER_STREAM_CODEC = new Http2StreamFrameToHttpObjectCodec(true, true);

  private HttpServers() {}

  /** Adds the HTTP/1 server at the end of {@code pipeline}. */
  public static void http1(ChannelPipeline pipeline, HttpRoutes routes) {
    pipeline.addLast("http1", new HttpServerCodec());
    // Answer "Expect: 100-continue" here: 1xx responses are not relayed across the hop.
    pipeline.addLast("expect-continue", new HttpServerExpectContinueHandler());
    pipeline.addLast("http-server", new HttpServerHandler(routes, false));
  }

  /**
   * Adds the HTTP/2 server at the end of {@code pipeline}. {@code routes} is called once per stream
   * (cheap: it returns the connection's shared routes). On {@link Drain#SIGNAL} the connection sends
   * GOAWAY and closes once its streams finish (or {@code grace} runs out).
   */
  public static void http2(ChannelPipeline pipeline, Supplier<HttpRoutes> routes, Duration grace) {
    pipeline.addLast("drain-h2", new DrainOnSignal());
    Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
        .initialSettings(Http2Settings.defaultSettings().initialWindowSize(STREAM_WINDOW).maxConcurrentStreams(10_000))
        .gracefulShutdownTimeoutMillis(grace.toMillis())
        .autoAckPingFrame(true)
        .build();
    pipeline.addLast(FlushBatching.NAME, FlushBatching.create());
    pipeline.addLast("h2", codec);
    pipeline.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast(SERVER_STREAM_CODEC);
        stream.pipeline().addLast(new HttpServerHandler(routes.get(), true));
      }
    }));
    pipeline.addLast("h2-errors", new CloseOnError());
    H2Windows.widenConnectionWindow(codec);
  }

  /** The codec already answered a protocol error (GOAWAY); whatever is left just closes the connection. */
  static final class CloseOnError extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Starts HTTP/2's graceful close (GOAWAY, then wait for open streams) when draining begins. */
  static final class DrainOnSignal extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == Drain.SIGNAL) {
        ctx.channel().close();
        return;
      }
      super.userEventTriggered(ctx, evt);
    }
  }
}
