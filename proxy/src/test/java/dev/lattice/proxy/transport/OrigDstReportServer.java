package dev.lattice.proxy.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A tiny stand-in for the proxy's listeners, run as a child JVM inside a test namespace. Each
 * argument {@code KIND:NAME:HOST:PORT} binds one epoll listener that answers any HTTP request with a
 * one-line body and closes:
 *
 * <ul>
 *   <li>{@code report}: {@code listener=NAME orig-dst-ip=IP orig-dst-port=PORT client=IP}, from
 *       {@link SocketOriginalDestination} ({@code error=…} if the lookup failed);
 *   <li>{@code direct}: {@code direct=NAME local=IP:PORT}, proving the connection was not redirected.
 * </ul>
 *
 * Prints {@code READY} once every listener is bound, and exits when its stdin closes, so it cannot
 * outlive the test JVM that started it. IPv6 hosts are written in brackets: {@code [::]}.
 */
public final class OrigDstReportServer {
  private OrigDstReportServer() {}

  public static void main(String[] args) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    SocketOriginalDestination origDst = SocketOriginalDestination.create();
    try {
      for (String spec : args) {
        String[] p = spec.split(":", 3);
        int lastColon = p[2].lastIndexOf(':');
        String host = p[2].substring(0, lastColon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(p[2].substring(lastColon + 1));
        boolean report = switch (p[0]) {
          case "report" -> true;
          case "direct" -> false;
          default -> throw new IllegalArgumentException("listener kind: " + p[0] + " (expected: report or direct)");
        };
        String name = p[1];
        new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
            .childHandler(new ChannelInitializer<EpollSocketChannel>() {
              @Override
              protected void initChannel(EpollSocketChannel ch) {
                ch.pipeline().addLast(new Reply(report ? reportLine(name, origDst, ch) : directLine(name, ch)));
              }
            })
            .bind(new InetSocketAddress(InetAddress.ofLiteral(host), port)).sync();
      }
      System.out.println("READY");
      System.out.flush();
      while (System.in.read() >= 0) {
        // Parent still alive.
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static String reportLine(String name, OriginalDestination origDst, Channel ch) {
    String client = ((InetSocketAddress) ch.remoteAddress()).getAddress().getHostAddress();
    try {
      OrigDstAddr dst = origDst.lookup(ch);
      return "listener=" + name + " orig-dst-ip=" + dst.address().getAddress().getHostAddress()
          + " orig-dst-port=" + dst.port() + " client=" + client;
    } catch (OriginalDestination.OrigDstUnavailable e) {
      return "listener=" + name + " error=" + e.getMessage() + " client=" + client;
    }
  }

  private static String directLine(String name, Channel ch) {
    InetSocketAddress local = (InetSocketAddress) ch.localAddress();
    return "direct=" + name + " local=" + local.getAddress().getHostAddress() + ":" + local.getPort();
  }

  /** Reads the request head, then answers with {@code body} and closes: enough HTTP for curl. */
  private static final class Reply extends ChannelInboundHandlerAdapter {
    private final String body;
    private final StringBuilder head = new StringBuilder();

    Reply(String body) {
      this.body = body + "\n";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        head.append(buf.toString(StandardCharsets.US_ASCII));
      } finally {
        buf.release();
      }
      if (head.indexOf("\r\n\r\n") >= 0) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + b.length
            + "\r\nConnection: close\r\n\r\n" + body;
        ctx.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.UTF_8))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
