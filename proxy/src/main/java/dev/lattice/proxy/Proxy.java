package dev.lattice.proxy;

import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.http.HttpMetrics;
import dev.lattice.proxy.inbound.InboundStack;
import dev.lattice.proxy.listen.ConnectionLimit;
import dev.lattice.proxy.listen.Drain;
import dev.lattice.proxy.listen.Transport;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.outbound.OutboundStack;
import dev.lattice.proxy.tcp.Connector;
import dev.lattice.proxy.tcp.TcpMetrics;
import dev.lattice.proxy.tls.MeshTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A running data plane: the inbound and outbound listeners on shared event loops. Built from a
 * {@link ProxyConfig} and a {@link ProxyRuntime}; {@link #drain} shuts it down gracefully.
 */
public final class Proxy implements AutoCloseable {
  private final Transport transport;
  private final Drain drain;
  private final MeshTls tls;
  private final InboundStack inbound;
  private final OutboundStack outbound;
  private final InetSocketAddress inboundAddress;
  private final List<InetSocketAddress> outboundAddresses;

  private Proxy(Transport transport, Drain drain, MeshTls tls, InboundStack inbound, OutboundStack outbound,
      InetSocketAddress inboundAddress, List<InetSocketAddress> outboundAddresses) {
    this.transport = transport;
    this.drain = drain;
    this.tls = tls;
    this.inbound = inbound;
    this.outbound = outbound;
    this.inboundAddress = inboundAddress;
    this.outboundAddresses = List.copyOf(outboundAddresses);
  }

  /** Binds the listeners (failing fast if an address is taken) and starts serving. */
  public static Proxy start(ProxyConfig config, ProxyRuntime runtime) {
    return start(config, runtime, CompletableFuture.completedFuture(null));
  }

  /**
   * Binds the listeners at once (failing fast if an address is taken) but accepts no connection
   * until {@code serveAfter} completes: with an identity client, connections accepted before the
   * first certificate could neither terminate nor originate mesh TLS. If {@code serveAfter} fails,
   * the listeners never accept.
   */
  public static Proxy start(ProxyConfig config, ProxyRuntime runtime, CompletionStage<?> serveAfter) {
    Transport transport = Transport.create(config.eventLoopThreads(), "lattice-proxy", config.sourceIp());
    try {
      MeshTls tls = MeshTls.create(runtime.credentials(), runtime.clock());
      TcpMetrics tcp = new TcpMetrics(runtime.metrics(), config.metricsRetainIdle(), System::nanoTime);
      HttpMetrics http = new HttpMetrics(runtime.metrics(), config.metricsRetainIdle(), System::nanoTime);
      dropIdleSeriesEvery(idleSeriesCheckPeriod(config.metricsRetainIdle()), runtime.metrics(), transport);
      Connector connector = new Connector(transport, tcp, tls);
      Drain drain = new Drain();
      ConnectionLimit limit = new ConnectionLimit(config.maxConnections());
      InboundStack inbound = new InboundStack(config, runtime.originalDestination(), tls, connector, tcp, http,
          runtime.metrics(), drain, transport.group(), runtime.authorizer());
      OutboundStack outbound = new OutboundStack(config, runtime.originalDestination(), runtime.discovery(), connector, tcp, http,
          runtime.metrics(), drain, transport.group());

      // Bound but not accepting (no reads on the listener) until serveAfter completes.
      Channel in = transport.serverBootstrap().option(ChannelOption.AUTO_READ, false)
          .handler(limit).childHandler(inbound).bind(config.inboundListen()).syncUninterruptibly().channel();
      drain.addListener(in);
      List<Channel> listeners = new ArrayList<>(List.of(in));
      List<InetSocketAddress> outs = new ArrayList<>();
      for (InetSocketAddress address : config.outboundListen()) {
        Channel out = transport.serverBootstrap().option(ChannelOption.AUTO_READ, false)
            .handler(limit).childHandler(outbound).bind(address).syncUninterruptibly().channel();
        drain.addListener(out);
        listeners.add(out);
        outs.add((InetSocketAddress) out.localAddress());
      }
      serveAfter.whenComplete((ok, failed) -> {
        if (failed == null) {
          listeners.forEach(l -> l.config().setAutoRead(true));
        }
      });
      return new Proxy(transport, drain, tls, inbound, outbound, (InetSocketAddress) in.localAddress(), outs);
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /**
   * A scrape drops idle series too, but a proxy nobody scrapes must not keep them: check as often
   * as the retention asks for, between once a second and every ten seconds (so a series lives at
   * most ten seconds past its retention; a check walks the kept groups and costs microseconds).
   *
   * <p>Not once a minute: on a proxy whose other timers are long (the benchmark keeps idle
   * connections for two minutes) this was the first scheduled task its event loop ever ran, a
   * minute after start. C2 had compiled the loop from a profile without one, so that first run hit
   * uncommon traps and the event loop's main method and task runner ran interpreted until
   * recompiled: in the benchmark, during the first measured test (docs/performance.md).
   */
  static Duration idleSeriesCheckPeriod(Duration retainIdle) {
    Duration second = Duration.ofSeconds(1);
    Duration most = Duration.ofSeconds(10);
    return retainIdle.compareTo(second) < 0 ? second : retainIdle.compareTo(most) > 0 ? most : retainIdle;
  }

  private static void dropIdleSeriesEvery(Duration period, MetricsRegistry metrics, Transport transport) {
    long millis = period.toMillis();
    transport.group().next().scheduleAtFixedRate(metrics::dropIdleSeries, millis, millis, TimeUnit.MILLISECONDS);
  }

  public InetSocketAddress inboundAddress() {
    return inboundAddress;
  }

  public List<InetSocketAddress> outboundAddresses() {
    return outboundAddresses;
  }

  public MeshTls tls() {
    return tls;
  }

  public boolean usesNativeTransport() {
    return transport.isNativeEpoll();
  }

  /** Connections accepted and not yet closed, on both sides. */
  public int openConnections() {
    return drain.openConnections();
  }

  /**
   * Stops accepting, lets in-flight work finish (HTTP/2 GOAWAY, HTTP/1 after the current response,
   * opaque streams to their end) for up to {@code grace}, then stops. True if everything drained.
   */
  public boolean drain(Duration grace) {
    boolean clean = drain.drain(grace);
    close();
    return clean;
  }

  @Override
  public void close() {
    outbound.close();
    inbound.close();
    transport.close();
  }
}
