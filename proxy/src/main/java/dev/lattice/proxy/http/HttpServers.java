package dev.lattice.proxy.http;

import dev.lattice.proxy.listen.Drain;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Installs the client-facing HTTP server on a connection whose protocol is known: HTTP/1.1
 * ({@link H1Server}, one per connection) or HTTP/2 ({@link H2Server}, frame level). Both feed
 * HTTP/2-shaped heads and body buffers to the {@link Exchange}, so the relay is one piece of code
 * whatever the versions on either side.
 */
public final class HttpServers {
  private HttpServers() {}

  /** Adds the HTTP/1 server at the end of {@code pipeline}. */
  public static void http1(ChannelPipeline pipeline, HttpRoutes routes) {
    pipeline.addLast(FlushBatching.NAME, FlushBatching.create());
    pipeline.addLast("http-server", new H1Server(routes));
  }

  /**
   * Adds the HTTP/2 server at the end of {@code pipeline}. {@code routes} is called once per stream
   * (cheap: it returns the connection's shared routes). On {@link Drain#SIGNAL} the connection sends
   * GOAWAY and closes once its streams finish (or {@code grace} runs out).
   */
  public static void http2(ChannelPipeline pipeline, Supplier<HttpRoutes> routes, Duration grace) {
    pipeline.addLast("drain-h2", new DrainOnSignal());
    H2Server.install(pipeline, routes, grace);
    pipeline.addLast("h2-errors", new CloseOnError());
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
