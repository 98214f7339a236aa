package dev.lattice.proxy.admin;

import dev.lattice.proxy.log.ProxyLogs;
import dev.lattice.proxy.metrics.MetricsRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's admin HTTP/1.1 server. One event-loop thread (epoll where available, else NIO) of its
 * own, so scrapes and probes never compete with proxied traffic.
 *
 * <pre>{@code
 * AdminServer admin = AdminServer.builder(config).metrics(registry)
 *     .readiness(Readiness.certified(identity, clock)).onShutdown(proxy::shutdown).build();
 * InetSocketAddress bound = admin.start();
 * }</pre>
 *
 * <p>TODO: serve mesh TLS on this port too (Linkerd terminates mTLS here so Prometheus can scrape over
 * it) and apply the inbound policy for port 4191.
 */
public final class AdminServer implements AutoCloseable {
  static final int MAX_REQUEST_BYTES = 64 * 1024;
  static final int IDLE_TIMEOUT_SECONDS = 60;
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  private final AdminConfig config;
  private final AdminHandler handler;
  private EventLoopGroup group;
  private Channel channel;
  private ChannelGroup connections;

  private AdminServer(Builder builder) {
    this.config = builder.config;
    this.handler = new AdminHandler(builder.metrics, builder.readiness, builder.onShutdown,
        config.shutdownEndpointEnabled(), builder.env, builder.logs);
  }

  public static Builder builder(AdminConfig config) {
    return new Builder(config);
  }

  /**
   * Binds and starts serving; returns the bound address (useful with port 0). Throws
   * {@link UncheckedIOException} naming the address if it cannot listen.
   */
  public synchronized InetSocketAddress start() {
    if (group != null) {
      throw new IllegalStateException("admin server already started");
    }
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lattice-admin", true), io);
    ChannelGroup open = new DefaultChannelGroup("lattice-admin-connections", group.next());
    connections = open;
    try {
      channel = new ServerBootstrap()
          .group(group)
          .channel(channelType)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              open.add(ch);
              ch.pipeline().addLast(
                  new ReadTimeoutHandler(IDLE_TIMEOUT_SECONDS),
                  new HttpServerCodec(),
                  new HttpObjectAggregator(MAX_REQUEST_BYTES),
                  handler);
            }
          })
          .bind(config.listenAddress())
          .syncUninterruptibly()
          .channel();
    } catch (Exception e) {
      // Netty rethrows the bind's IOException unchecked-style, so catch Exception, not just runtime ones.
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      group = null;
      throw new UncheckedIOException(new IOException(
          "admin server cannot listen on " + config.listenAddress() + ": " + e.getMessage(), e));
    }
    InetSocketAddress bound = localAddress();
    log.info("Admin server listening on {} ({})", bound, epoll ? "epoll" : "nio");
    return bound;
  }

  /** The bound address; only after {@link #start()}. */
  public synchronized InetSocketAddress localAddress() {
    if (channel == null) {
      throw new IllegalStateException("admin server not started");
    }
    return (InetSocketAddress) channel.localAddress();
  }

  /** Stops listening, closes open connections and ends the event-loop thread. Idempotent. */
  @Override
  public synchronized void close() {
    if (group == null) {
      return;
    }
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    // Close accepted connections ourselves: an event loop shutting down does not reliably close a
    // connection that is mid-request, and a client would then wait on it forever. Accepts and this
    // group share the single loop, so once the listener is closed no connection can be missed.
    connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    group = null;
    channel = null;
    connections = null;
  }

  /** Collaborators of the admin server; only the config is required. */
  public static final class Builder {
    private final AdminConfig config;
    private MetricsRegistry metrics = new MetricsRegistry();
    private Readiness readiness = () -> false;
    private Runnable onShutdown = () -> {};
    private Map<String, String> env = Map.of();
    private ProxyLogs logs = ProxyLogs.process();

    private Builder(AdminConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Rendered by {@code /metrics}. */
    public Builder metrics(MetricsRegistry metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Decides {@code /ready}; never ready by default. */
    public Builder readiness(Readiness readiness) {
      this.readiness = Objects.requireNonNull(readiness, "readiness");
      return this;
    }

    /**
     * Called (on its own thread, after the response is sent) when an enabled {@code /shutdown} is
     * posted from loopback. It may close this server.
     */
    public Builder onShutdown(Runnable onShutdown) {
      this.onShutdown = Objects.requireNonNull(onShutdown, "onShutdown");
      return this;
    }

    /** What {@code /env.json} shows: normally {@link System#getenv()}. Empty by default. */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /** What {@code /proxy-log-level} shows and changes: the process's loggers by default. */
    public Builder logs(ProxyLogs logs) {
      this.logs = Objects.requireNonNull(logs, "logs");
      return this;
    }

    public AdminServer build() {
      return new AdminServer(this);
    }
  }
}
