package dev.lattice.proxy.inbound;

import dev.lattice.api.ProxyEnv;
import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.detect.DetectMetrics;
import dev.lattice.proxy.detect.HttpDetectHandler;
import dev.lattice.proxy.detect.TlsDetectHandler;
import dev.lattice.proxy.http.HttpMetrics;
import dev.lattice.proxy.http.InFlightLimit;
import dev.lattice.proxy.http.HttpServers;
import dev.lattice.proxy.listen.Drain;
import dev.lattice.proxy.metrics.ErrorMetrics;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.policy.InboundAuthorizer;
import dev.lattice.proxy.tcp.Connector;
import dev.lattice.proxy.tcp.Forwarder;
import dev.lattice.proxy.tcp.Hold;
import dev.lattice.proxy.tcp.TcpMetrics;
import dev.lattice.proxy.tcp.TcpMetricsHandler;
import dev.lattice.proxy.tcp.TransportHeader;
import dev.lattice.proxy.tcp.TransportHeaderDecoder;
import dev.lattice.proxy.tls.MeshTls;
import dev.lattice.proxy.tls.NoTlsReason;
import dev.lattice.proxy.tls.ServerTls;
import dev.lattice.proxy.transport.OrigDstAddr;
import dev.lattice.proxy.transport.OriginalDestination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslHandler;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound side, in traffic order:
 *
 * <pre>
 * accept → original destination → opaque port? ─────────────────────────────────────────► forward to app
 *        → detect TLS ─ SNI is me  → terminate mTLS → transport header? → port, protocol ─┐
 *                     ├ other SNI → pass through ───────────────────────────────────────► forward to app
 *                     └ no TLS    ──────────────────────────────────────────────────────┤
 *        → detect HTTP (unless the header named the protocol) ─ HTTP/1, HTTP/2 → HTTP server → app
 *                                                             └ other         → forward to app
 * </pre>
 *
 * With inbound policy ({@link AuthorizeLayer}), every path waits for the target port's policy: HTTP
 * requests are authorized one by one, everything forwarded as bytes once per connection.
 * The application is always dialled on 127.0.0.1 at the target port.
 */
public final class InboundStack extends ChannelInitializer<Channel> {
  private static final Logger log = LoggerFactory.getLogger(InboundStack.class);
  private final ProxyConfig config;
  private final OriginalDestination origDst;
  private final MeshTls tls;
  private final Connector connector;
  private final TcpMetrics tcpMetrics;
  private final HttpMetrics httpMetrics;
  private final ErrorMetrics errors;
  private final DetectMetrics detectMetrics;
  private final Drain drain;
  private final InFlightLimit inFlight;
  private final AppUpstreams apps;
  private final AuthorizeLayer authz;

  /** With {@code authorizer}, every connection or request is authorized by the port's policy (spec §2). */
  public InboundStack(ProxyConfig config, OriginalDestination origDst, MeshTls tls, Connector connector,
      TcpMetrics tcpMetrics, HttpMetrics httpMetrics, MetricsRegistry registry, Drain drain,
      io.netty.channel.EventLoopGroup group, Optional<InboundAuthorizer> authorizer) {
    this.authz = new AuthorizeLayer(authorizer);
    this.errors = new ErrorMetrics(registry, "inbound", config.metricsRetainIdle(), System::nanoTime);
    this.detectMetrics = new DetectMetrics(registry, "inbound");
    this.config = config;
    this.origDst = origDst;
    this.tls = tls;
    this.connector = connector;
    this.tcpMetrics = tcpMetrics;
    this.httpMetrics = httpMetrics;
    this.drain = drain;
    this.inFlight = new InFlightLimit(config.inboundMaxInFlight());
    this.apps = new AppUpstreams(connector, group, config.inboundConnectTimeout(), config.inboundHttp1PoolIdleTimeout());
  }

  /** Shared by every connection: a connection keeps the labels it was given for its whole life. */
  private static final Labels UNBOUND_CLIENT =
      Labels.of("direction", "inbound", "peer", "src", "tls", "no_identity", "no_tls_reason", "no_tls_from_remote");

  @Override
  protected void initChannel(Channel ch) {
    drain.track(ch);
    int listenPort = ((java.net.InetSocketAddress) ch.localAddress()).getPort();
    ch.pipeline().addLast(TcpMetricsHandler.NAME, new TcpMetricsHandler(tcpMetrics, UNBOUND_CLIENT));
    OrigDstAddr dst = lookup(ch);
    if (!config.inboundAllowed(dst.address().getAddress())) {
      // §1.1: only connections for the pod's own addresses; anything else was not meant for it.
      log.debug("Closing inbound connection from {} for {}: not one of {}", ch.remoteAddress(), dst, ProxyEnv.INBOUND_IPS);
      errors.tcp(targetLabels(dst, dst.port()), ErrorMetrics.Kind.UNEXPECTED);
      ch.close();
      return;
    }
    // Opaque ports skip all detection: server-speaks-first protocols would stall it.
    if (config.opaquePorts().contains(dst.port())) {
      forward(ch, listenPort, dst, dst.port(), new ServerTls.None(NoTlsReason.PORT_SKIPPED));
      return;
    }
    ch.pipeline().addLast("detect-tls", new TlsDetectHandler(config.inboundDetectTimeout(), (ctx, outcome) -> {
      switch (outcome) {
        case TlsDetectHandler.Outcome.Sni sni when tls.localIdentity().map(id -> id.value().equals(sni.name())).orElse(false) ->
            terminate(ctx, listenPort, dst);
        case TlsDetectHandler.Outcome.Sni sni -> forward(ctx.channel(), listenPort, dst, dst.port(), new ServerTls.Passthru(sni.name()));
        case TlsDetectHandler.Outcome.NotTls n -> detected(ctx.channel(), listenPort, dst, dst.port(), new ServerTls.None(NoTlsReason.NO_TLS_FROM_REMOTE), Optional.empty());
        case TlsDetectHandler.Outcome.TimedOut t -> {
          errors.tcp(targetLabels(dst, dst.port()), ErrorMetrics.Kind.TLS_DETECTION_TIMEOUT);
          ctx.close();
        }
      }
    }));
  }

  /**
   * The connection's original destination. If it cannot be read (not redirected, or unreadable) the
   * connection was made straight to the proxy, and its destination is the socket's own address, as
   * the kernel reports for connections conntrack did not rewrite. Such a connection reaches the
   * inbound port itself, so it must then carry a transport header (see {@link #terminate}).
   */
  private OrigDstAddr lookup(Channel ch) {
    try {
      return origDst.lookup(ch);
    } catch (OriginalDestination.OrigDstUnavailable e) {
      log.debug("Inbound connection from {} has no original destination ({}); treating it as direct",
          ch.remoteAddress(), e.getMessage());
      return new OrigDstAddr((java.net.InetSocketAddress) ch.localAddress());
    }
  }

  /** mTLS for us: handshake (client cert required), then the transport header names the port. */
  private void terminate(ChannelHandlerContext ctx, int listenPort, OrigDstAddr dst) {
    SslHandler ssl;
    try {
      ssl = tls.newServerHandler(ctx.alloc(), config.inboundDetectTimeout());
    } catch (MeshTls.NoCredentials e) {
      ctx.close();
      return;
    }
    Hold hold = new Hold();
    ctx.pipeline().addAfter(ctx.name(), "tls", ssl);
    ctx.pipeline().addAfter("tls", "hold", hold);
    Channel ch = ctx.channel();
    ssl.handshakeFuture().addListener(f -> {
      if (!f.isSuccess()) {
        // No client certificate, one from another trust anchor, or a client gone mid-handshake.
        errors.tcp(targetLabels(dst, dst.port()), ErrorMetrics.Kind.IO);
        ch.close();
        return;
      }
      ServerTls status = new ServerTls.Established(MeshTls.peerIdentity(ssl.engine().getSession()));
      if (MeshTls.TRANSPORT_HEADER_ALPN.equals(ssl.applicationProtocol())) {
        ch.pipeline().addAfter("hold", "transport-header", new TransportHeaderDecoder(config.inboundDetectTimeout(), (hctx, outcome) -> {
          switch (outcome) {
            case TransportHeaderDecoder.Outcome.Header(TransportHeader h) when h.name().isEmpty() && h.port() != listenPort ->
                detected(ch, listenPort, dst, h.port(), status, h.protocol());
            case TransportHeaderDecoder.Outcome.Header(TransportHeader h) -> {
              // Not a gateway: a header naming a destination, or our own inbound port, goes nowhere.
              errors.tcp(targetLabels(dst, h.port()),
                  h.name().isEmpty() ? ErrorMetrics.Kind.GATEWAY_LOOP : ErrorMetrics.Kind.GATEWAY_DOMAIN_INVALID);
              hctx.close();
            }
            case TransportHeaderDecoder.Outcome.Invalid invalid -> {
              errors.tcp(targetLabels(dst, dst.port()), ErrorMetrics.Kind.IO);
              hctx.close();
            }
          }
        }));
      } else if (dst.port() == listenPort) {
        // Direct connections to the inbound port must say where they are going.
        ch.close();
        return;
      } else {
        detected(ch, listenPort, dst, dst.port(), status, Optional.empty());
      }
      hold.release();
    });
  }

  /**
   * TLS is settled and the target port known: bind metrics, wait for the port's policy, then HTTP
   * (authorized per request) or opaque (authorized once, re-checked on policy changes).
   */
  private void detected(Channel ch, int listenPort, OrigDstAddr dst, int port, ServerTls status, Optional<TransportHeader.SessionProtocol> protocol) {
    if (port == listenPort) {
      ch.close(); // plaintext straight to the inbound port: it names no application port
      return;
    }
    TcpMetricsHandler.of(ch).bind(srcLabels(dst, port, status));
    authz.whenReady(ch, port, () -> serve(ch, listenPort, dst, port, status, protocol));
  }

  private void serve(Channel ch, int listenPort, OrigDstAddr dst, int port, ServerTls status, Optional<TransportHeader.SessionProtocol> protocol) {
    if (protocol.isPresent()) {
      switch (protocol.get()) {
        case HTTP2 -> HttpServers.http2(ch.pipeline(), routesFor(ch, dst, port, status), config.shutdownGrace());
        case HTTP1 -> HttpServers.http1(ch.pipeline(), routesFor(ch, dst, port, status).get());
      }
      return;
    }
    if (config.opaquePorts().contains(port) || authz.skipsDetection(port)) {
      admitted(ch, listenPort, dst, port, status);
      return;
    }
    ch.pipeline().addLast("detect-http", new HttpDetectHandler(config.inboundDetectTimeout(), detectMetrics, (ctx, outcome) -> {
      switch (outcome) {
        case H2 -> HttpServers.http2(ctx.pipeline(), routesFor(ch, dst, port, status), config.shutdownGrace());
        case HTTP1 -> HttpServers.http1(ctx.pipeline(), routesFor(ch, dst, port, status).get());
        case NOT_HTTP, READ_TIMEOUT -> admitted(ctx.channel(), listenPort, dst, port, status);
      }
    }));
  }

  /** Opaque port or TLS for someone else: no detection, one authorization for the connection. */
  private void forward(Channel ch, int listenPort, OrigDstAddr dst, int port, ServerTls status) {
    if (port == listenPort) {
      ch.close();
      return;
    }
    TcpMetricsHandler.of(ch).bind(srcLabels(dst, port, status));
    authz.whenReady(ch, port, () -> admitted(ch, listenPort, dst, port, status));
  }

  private void admitted(Channel ch, int listenPort, OrigDstAddr dst, int port, ServerTls status) {
    if (port == listenPort) {
      ch.close(); // never connect to our own inbound port (and never ask policy about it)
      return;
    }
    authz.admitConnection(ch, dst, port, status, () -> forwardInstalled(ch, listenPort, dst, port));
  }

  private void forwardInstalled(Channel ch, int listenPort, OrigDstAddr dst, int port) {
    if (port == listenPort) {
      ch.close(); // never connect to our own inbound port
      return;
    }
    ch.pipeline().addLast("forward", new Forwarder(
        loop -> connector.plain(loop, AppUpstreams.app(port), config.inboundConnectTimeout(), AppUpstreams.labels(port)),
        () -> errors.tcp(targetLabels(dst, port), ErrorMetrics.Kind.IO)));
  }

  private java.util.function.Supplier<dev.lattice.proxy.http.HttpRoutes> routesFor(Channel ch, OrigDstAddr dst, int port, ServerTls status) {
    HttpMetrics.Target requests = httpMetrics.acquire(Labels.of("direction", "inbound").and(targetLabels(dst, port)).and(status.labels()));
    ch.closeFuture().addListener(f -> httpMetrics.release(requests));
    InboundRoutes routes = new InboundRoutes(apps, port, status.clientIdentity(), requests,
        authz.requests(ch, dst, port, status), inFlight, errors);
    return () -> routes;
  }

  private static Labels srcLabels(OrigDstAddr dst, int port, ServerTls status) {
    return Labels.of("direction", "inbound", "peer", "src").and(targetLabels(dst, port)).and(status.labels());
  }

  private static Labels targetLabels(OrigDstAddr dst, int port) {
    String ip = dst.address().getAddress().getHostAddress();
    return Labels.of("target_addr", ip + ":" + port, "target_ip", ip, "target_port", Integer.toString(port));
  }

  /** Closes pooled connections to the app. */
  public void close() {
    apps.close();
  }
}
