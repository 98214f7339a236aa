package dev.lattice.proxy.inbound;

import dev.lattice.proxy.http.H1Pool;
import dev.lattice.proxy.http.H2Upstream;
import dev.lattice.proxy.http.LongKeyedMap;
import dev.lattice.proxy.http.Upstream;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.tcp.Connector;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Function;

/**
 * The inbound's connections to its application, per port: a pool of HTTP/1.1 connections and one
 * h2c connection, created on first use and shared by all clients.
 */
final class AppUpstreams {
  private final Connector connector;
  private final EventLoopGroup group;
  private final Duration connectTimeout;
  private final Duration http1IdleTimeout;
  private final LongKeyedMap<H1Pool> http1 = new LongKeyedMap<>(this::newHttp1Pool);
  private final LongKeyedMap<H2Upstream> http2 = new LongKeyedMap<>(this::newHttp2Upstream);

  AppUpstreams(Connector connector, EventLoopGroup group, Duration connectTimeout, Duration http1IdleTimeout) {
    this.connector = connector;
    this.group = group;
    this.connectTimeout = connectTimeout;
    this.http1IdleTimeout = http1IdleTimeout;
  }

  /** Called per request: a lookup that allocates nothing once the port's pool exists. */
  Upstream http1(int port) {
    return http1.get(port);
  }

  Upstream http2(int port) {
    return http2.get(port);
  }

  private H1Pool newHttp1Pool(long port) {
    return new H1Pool(connectTo((int) port), http1IdleTimeout, 10_000);
  }

  private H2Upstream newHttp2Upstream(long port) {
    return new H2Upstream(connectTo((int) port), group.next());
  }

  /** Plain TCP to the app's {@code port}, on the loop asked for. */
  private Function<EventLoop, Future<Channel>> connectTo(int port) {
    return loop -> connector.plain(loop, app(port), connectTimeout, labels(port));
  }

  /** The app is reached on loopback: the proxy and its workload share the network namespace. */
  static InetSocketAddress app(int port) {
    return new InetSocketAddress("127.0.0.1", port);
  }

  static Labels labels(int port) {
    return Labels.of("direction", "inbound", "peer", "dst", "target_addr", "127.0.0.1:" + port,
        "target_ip", "127.0.0.1", "target_port", Integer.toString(port),
        "tls", "no_identity", "no_tls_reason", "loopback");
  }

  void close() {
    http1.values().forEach(H1Pool::close);
    http2.values().forEach(H2Upstream::close);
  }
}
