package dev.lattice.proxy.listen;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * The event loops and socket classes the proxy runs on: native epoll where available, NIO otherwise.
 * Sized for a sidecar (1–2 threads); every listener and connection of one proxy shares them.
 */
public final class Transport implements AutoCloseable {
  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> serverChannel;
  private final Class<? extends Channel> channel;
  private final boolean nativeEpoll;
  private final InetSocketAddress source;

  private Transport(EventLoopGroup group, Class<? extends ServerChannel> serverChannel,
      Class<? extends Channel> channel, boolean nativeEpoll, InetSocketAddress source) {
    this.group = group;
    this.serverChannel = serverChannel;
    this.channel = channel;
    this.nativeEpoll = nativeEpoll;
    this.source = source;
  }

  /** Epoll if the native library loads, NIO otherwise. */
  public static Transport create(int threads, String name) {
    return create(threads, name, Optional.empty());
  }

  /**
   * Like {@link #create(int, String)}; with {@code sourceIp}, every connection the proxy makes leaves
   * from that address (local mode: a loopback alias standing in for the pod IP, so peers see it).
   */
  public static Transport create(int threads, String name, Optional<InetAddress> sourceIp) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
    InetSocketAddress source = sourceIp.map(ip -> new InetSocketAddress(ip, 0)).orElse(null);
    return epoll
        ? new Transport(group, EpollServerSocketChannel.class, EpollSocketChannel.class, true, source)
        : new Transport(group, NioServerSocketChannel.class, NioSocketChannel.class, false, source);
  }

  public boolean isNativeEpoll() {
    return nativeEpoll;
  }

  public EventLoopGroup group() {
    return group;
  }

  /** A server bootstrap with the proxy's socket options (accepted sockets never delay small writes). */
  public ServerBootstrap serverBootstrap() {
    return new ServerBootstrap()
        .group(group)
        .channel(serverChannel)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true);
  }

  /** A client bootstrap whose connections live on {@code loop} (so handing data across needs no hop). */
  public Bootstrap bootstrap(EventLoop loop, Duration connectTimeout) {
    Bootstrap b = new Bootstrap();
    if (source != null) {
      b.localAddress(source);
    }
    return b
        .group(loop)
        .channel(channel)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, connectTimeout.toMillis()));
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
