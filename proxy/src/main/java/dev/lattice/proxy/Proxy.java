package dev.lattice.proxy;

import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.http.HttpMetrics;
import dev.lattice.proxy.inbound.InboundStack;
import dev.lattice.proxy.listen.Drain;
import dev.lattice.proxy.listen.Transport;
import dev.lattice.proxy.outbound.OutboundStack;
import dev.lattice.proxy.tcp.Connector;
import dev.lattice.proxy.tcp.TcpMetrics;
import dev.lattice.proxy.tls.MeshTls;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    Transport transport = Transport.create(config.eventLoopThreads(), "lattice-proxy");
    try {
      MeshTls tls = MeshTls.create(runtime.credentials(), runtime.clock());
      TcpMetrics tcp = new TcpMetrics(runtime.metrics());
      HttpMetrics http = new HttpMetrics(runtime.metrics());
      Connector connector = new Connector(transport, tcp, tls);
      Drain drain = new Drain();
      InboundStack inbound = new InboundStack(config, runtime.originalDestination(), tls, connector, tcp, http, drain, transport.group());
      OutboundStack outbound = new OutboundStack(config, runtime.originalDestination(), runtime.discovery(), connector, tcp, http, drain, transport.group());

      Channel in = transport.serverBootstrap().childHandler(inbound).bind(config.inboundListen()).syncUninterruptibly().channel();
      drain.addListener(in);
      List<InetSocketAddress> outs = new ArrayList<>();
      for (InetSocketAddress address : config.outboundListen()) {
        Channel out = transport.serverBootstrap().childHandler(outbound).bind(address).syncUninterruptibly().channel();
        drain.addListener(out);
        outs.add((InetSocketAddress) out.localAddress());
      }
      return new Proxy(transport, drain, tls, inbound, outbound, (InetSocketAddress) in.localAddress(), outs);
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
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
