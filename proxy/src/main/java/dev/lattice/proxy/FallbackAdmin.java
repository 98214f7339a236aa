package dev.lattice.proxy;

import dev.lattice.proxy.metrics.MetricsRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in admin listener serving {@code /metrics}, {@code /ready} and {@code /live} until the
 * real admin server (package {@code admin}) is wired into {@link ProxyMain}. Deliberately tiny:
 * replace the one call in {@code ProxyMain} and delete this class.
 */
final class FallbackAdmin implements AutoCloseable {
  private final Channel channel;
  private final EventLoopGroup group;

  private FallbackAdmin(Channel channel, EventLoopGroup group) {
    this.channel = channel;
    this.group = group;
  }

  static FallbackAdmin start(InetSocketAddress address, MetricsRegistry metrics) {
    // Its own single NIO thread: scrapes never compete with the data plane's loops.
    EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
        new io.netty.util.concurrent.DefaultThreadFactory("lattice-admin", true), io.netty.channel.nio.NioIoHandler.newFactory());
    Channel ch = new io.netty.bootstrap.ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Handler(metrics));
          }
        })
        .bind(address).syncUninterruptibly().channel();
    return new FallbackAdmin(ch, group);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final MetricsRegistry metrics;

    Handler(MetricsRegistry metrics) {
      this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String path = request.uri().split("\\?", 2)[0];
      FullHttpResponse response = switch (path) {
        case "/metrics" -> text(HttpResponseStatus.OK, metrics.render());
        case "/ready" -> text(HttpResponseStatus.OK, "ready\n");
        case "/live" -> text(HttpResponseStatus.OK, "live\n");
        default -> text(HttpResponseStatus.NOT_FOUND, "");
      };
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      var f = ctx.writeAndFlush(response);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
      FullHttpResponse r = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
      HttpUtil.setContentLength(r, r.content().readableBytes());
      return r;
    }
  }
}
