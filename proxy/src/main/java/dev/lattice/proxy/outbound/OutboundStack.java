package dev.lattice.proxy.outbound;

import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.detect.DetectMetrics;
import dev.lattice.proxy.discovery.Discovery;
import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.http.H1Pool;
import dev.lattice.proxy.http.HttpMetrics;
import dev.lattice.proxy.http.InFlightLimit;
import dev.lattice.proxy.http.HttpServers;
import dev.lattice.proxy.http.Upstream;
import dev.lattice.proxy.listen.Drain;
import dev.lattice.proxy.metrics.ErrorMetrics;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.tcp.Connector;
import dev.lattice.proxy.tcp.Forwarder;
import dev.lattice.proxy.tcp.TcpMetrics;
import dev.lattice.proxy.tcp.TcpMetricsHandler;
import dev.lattice.proxy.tcp.TransportHeader;
import dev.lattice.proxy.tls.ClientTls;
import dev.lattice.proxy.tls.NoTlsReason;
import dev.lattice.proxy.transport.OrigDstAddr;
import dev.lattice.proxy.transport.OriginalDestination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import java.util.function.Supplier;

/**
 * The outbound side, in traffic order:
 *
 * <pre>
 * accept → original destination → discover ─ opaque ─────────────────────────────────────┐
 *        → detect HTTP ─ HTTP/1, HTTP/2 → HTTP server ─ meshed → shared mTLS HTTP/2 to peer
 *                      │                              └ unmeshed → plaintext, same version
 *                      │                              (an Upgrade request, meshed: its own mTLS
 *                      │                               HTTP/1 connection to the peer, then a splice)
 *                      └ other, timeout, or HTTP/1 Upgrade to unmeshed ───────────────────┤
 *        forward: meshed → mTLS to the peer proxy + transport header (port) → splice
 *                 unmeshed → plain TCP to the original destination → splice
 * </pre>
 *
 * No TLS sniffing: TLS the app starts itself is just bytes that fail HTTP detection.
 */
public final class OutboundStack extends ChannelInitializer<Channel> {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OutboundStack.class);
  private final ProxyConfig config;
  private final OriginalDestination origDst;
  private final Discovery discovery;
  private final Connector connector;
  private final TcpMetrics tcpMetrics;
  private final HttpMetrics httpMetrics;
  private final ErrorMetrics errors;
  private final DetectMetrics detectMetrics;
  private final Drain drain;
  private final InFlightLimit inFlight;
  private final PeerUpstreams peers;
  private final PlainUpstreams plain;

  public OutboundStack(ProxyConfig config, OriginalDestination origDst, Discovery discovery, Connector connector,
      TcpMetrics tcpMetrics, HttpMetrics httpMetrics, MetricsRegistry registry, Drain drain, EventLoopGroup group) {
    this.config = config;
    this.errors = new ErrorMetrics(registry, "outbound", config.metricsRetainIdle(), System::nanoTime);
    this.detectMetrics = new DetectMetrics(registry, "outbound");
    this.origDst = origDst;
    this.discovery = discovery;
    this.connector = connector;
    this.tcpMetrics = tcpMetrics;
    this.httpMetrics = httpMetrics;
    this.drain = drain;
    this.inFlight = new InFlightLimit(config.outboundMaxInFlight());
    this.peers = new PeerUpstreams(connector, group, config.outboundConnectTimeout(), config.outboundIdleTimeout());
    this.plain = new PlainUpstreams(connector, group, config.outboundConnectTimeout(), config.outboundIdleTimeout(),
        config.outboundHttp1PoolIdleTimeout());
  }

  /** Shared by every connection: a connection keeps the labels it was given for its whole life. */
  private static final Labels UNBOUND_CLIENT =
      Labels.of("direction", "outbound", "peer", "src", "tls", "no_identity", "no_tls_reason", "loopback");
  private static final Labels DIRECTION = Labels.of("direction", "outbound");

  private final EndpointLabels[] recentLabels = new EndpointLabels[8];
  private int nextLabelsSlot;

  @Override
  protected void initChannel(Channel ch) {
    drain.track(ch);
    ch.pipeline().addLast(TcpMetricsHandler.NAME, new TcpMetricsHandler(tcpMetrics, UNBOUND_CLIENT));
    OrigDstAddr dst;
    try {
      dst = origDst.lookup(ch);
    } catch (OriginalDestination.OrigDstUnavailable e) {
      // Without a destination there is nowhere to send it; say why rather than vanish.
      log.warn("Closing outbound connection from {}: {}", ch.remoteAddress(), e.getMessage());
      ch.close();
      return;
    }
    ch.config().setAutoRead(false);
    discovery.resolve(dst).whenComplete((endpoint, error) -> ch.eventLoop().execute(() -> {
      if (error != null) {
        log.debug("Closing outbound connection to {}: discovery failed", dst, error);
        errors.tcp(targetLabels(dst), ErrorMetrics.Kind.UNEXPECTED);
        ch.close();
        return;
      }
      if (!ch.isActive()) {
        return;
      }
      discovered(ch, endpoint);
    }));
  }

  private void discovered(Channel ch, Endpoint endpoint) {
    TcpMetricsHandler.of(ch).bind(labelsOf(endpoint).src());
    if (endpoint.opaque()) {
      forward(ch, endpoint);
      return;
    }
    ch.pipeline().addLast("detect-http", new OutboundDetectHandler(config.outboundDetectTimeout(), detectMetrics, (ctx, protocol) -> {
      switch (protocol) {
        case OPAQUE, TIMED_OUT -> forward(ctx.channel(), endpoint);
        case H2 -> {
          OutboundRoutes routes = routes(ctx.channel(), endpoint);
          HttpServers.http2(ctx.pipeline(), () -> routes, config.shutdownGrace());
        }
        case HTTP1 -> HttpServers.http1(ctx.pipeline(), routes(ctx.channel(), endpoint));
        // Unmeshed, a connection that starts with an upgrade (WebSocket...) goes as bytes. Meshed,
        // it is HTTP like any: the upgrade request gets a connection of its own (routes below).
        case HTTP1_UPGRADE -> {
          if (endpoint.meshed().isEmpty()) {
            forward(ctx.channel(), endpoint);
          } else {
            HttpServers.http1(ctx.pipeline(), routes(ctx.channel(), endpoint));
          }
        }
      }
    }));
    ch.config().setAutoRead(true);
  }

  /** Called once per client connection: resolves its upstreams and request series, both held while it is open. */
  private OutboundRoutes routes(Channel client, Endpoint endpoint) {
    EndpointLabels labels = labelsOf(endpoint);
    Labels dst = labels.dst();
    AuthorityTargets targets = new AuthorityTargets(httpMetrics, DIRECTION, labels.requests());
    client.closeFuture().addListener(f -> targets.release());
    return endpoint.meshed().isPresent()
        ? OutboundRoutes.meshed(peers.http2(endpoint, dst, client), endpoint.meshed().get().identity(), upgradesTo(endpoint, dst),
            targets, inFlight, errors, config.outboundInformationalHeaders())
        : OutboundRoutes.unmeshed(plain.of(endpoint.target().address(), dst, client), targets, inFlight, errors,
            config.outboundInformationalHeaders());
  }

  private void forward(Channel ch, Endpoint endpoint) {
    Labels dst = labelsOf(endpoint).dst();
    ch.pipeline().addLast("forward", new Forwarder(loop -> endpoint.meshed()
        .map(peer -> connector.mesh(loop, peer, TransportHeader.opaque(endpoint.target().port()), config.outboundConnectTimeout(), dst))
        .orElseGet(() -> connector.plain(loop, endpoint.target().address(), config.outboundConnectTimeout(), dst)),
        () -> errors.tcp(targetLabels(endpoint.target()), ErrorMetrics.Kind.IO)));
  }

  /**
   * Where a meshed connection's upgrade requests go: HTTP/2 cannot carry an upgrade, so each gets
   * an mTLS connection of its own whose transport header says HTTP/1 (as Linkerd does); the peer
   * serves it as HTTP/1. Not kept for reuse: a connection that did not switch is closed after its
   * response. Made per upgrade request, so connections that never upgrade pay nothing.
   */
  private Supplier<Upstream> upgradesTo(Endpoint endpoint, Labels dst) {
    return () -> {
      Endpoint.Meshed peer = endpoint.meshed().orElseThrow();
      TransportHeader http1 = TransportHeader.http(endpoint.target().port(), TransportHeader.SessionProtocol.HTTP1);
      return new H1Pool(loop -> connector.mesh(loop, peer, http1, config.outboundConnectTimeout(), dst),
          config.outboundHttp1PoolIdleTimeout(), 0);
    };
  }

  private static ClientTls clientTls(Endpoint endpoint) {
    return endpoint.meshed()
        .<ClientTls>map(m -> new ClientTls.Mesh(m.identity()))
        .orElse(new ClientTls.None(NoTlsReason.NOT_PROVIDED_BY_SERVICE_DISCOVERY));
  }

  /**
   * The label sets of an endpoint's connections, built once per endpoint instead of three times per
   * connection. Discovery hands out one {@link Endpoint} instance per destination until it changes,
   * so the few most recently used are kept and compared by identity. While connection set-up is
   * still interpreted (C2 alone compiles a method after 10,000 calls), building them was about a
   * tenth of a new connection's CPU. Races between event loops only cost a rebuild: the entries
   * are immutable.
   */
  private EndpointLabels labelsOf(Endpoint endpoint) {
    for (EndpointLabels known : recentLabels) {
      if (known != null && known.endpoint() == endpoint) {
        return known;
      }
    }
    EndpointLabels built = EndpointLabels.of(endpoint);
    recentLabels[nextLabelsSlot++ & (recentLabels.length - 1)] = built;
    return built;
  }

  /** An endpoint's TCP series for accepted ({@code src}) and opened ({@code dst}) connections, and its request labels. */
  private record EndpointLabels(Endpoint endpoint, Labels src, Labels dst, Labels requests) {
    static EndpointLabels of(Endpoint endpoint) {
      Labels target = targetLabels(endpoint.target());
      Labels tlsAndDiscovered = clientTls(endpoint).labels().and(endpoint.dstLabels());
      return new EndpointLabels(endpoint,
          Labels.of("direction", "outbound", "peer", "src").and(target).and("tls", "no_identity", "no_tls_reason", "loopback"),
          Labels.of("direction", "outbound", "peer", "dst").and(target).and(tlsAndDiscovered),
          target.and(tlsAndDiscovered));
    }
  }

  private static Labels targetLabels(OrigDstAddr dst) {
    String ip = dst.address().getAddress().getHostAddress();
    return Labels.of("target_addr", ip + ":" + dst.port(), "target_ip", ip, "target_port", Integer.toString(dst.port()));
  }

  /** Closes the shared peer and destination connections. */
  public void close() {
    peers.close();
    plain.close();
  }
}
