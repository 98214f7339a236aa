package dev.lattice.proxy.outbound;

import dev.lattice.proxy.http.H1Pool;
import dev.lattice.proxy.http.H2Upstream;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.tcp.Connector;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plaintext HTTP connections to unmeshed destinations, per destination address and shared by every
 * client connection of this proxy: a pool of HTTP/1.1 connections (Linkerd's defaults: idle
 * timeout 3 s, at most 10 000 idle) and one h2c connection, each opened on first use. No TLS and
 * no {@code l5d-orig-proto} upgrade: the destination has no proxy to undo it.
 */
final class PlainUpstreams {
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
  static final int MAX_IDLE = 10_000;

  private final Connector connector;
  private final EventLoopGroup group;
  private final Duration connectTimeout;
  private final Map<Key, Target> targets = new ConcurrentHashMap<>();

  /** Labels are part of the key: discovery may label the same address differently later. */
  private record Key(InetSocketAddress address, Labels dstLabels) {}

  /** One destination's upstreams, by the version a request is sent in. */
  record Target(H1Pool http1, H2Upstream http2) {
    void close() {
      http1.close();
      http2.close();
    }
  }

  PlainUpstreams(Connector connector, EventLoopGroup group, Duration connectTimeout) {
    this.connector = connector;
    this.group = group;
    this.connectTimeout = connectTimeout;
  }

  /**
   * The upstreams of {@code address}; their connections are counted under {@code dstLabels}
   * (peer="dst"). Called once per client connection, not per request.
   */
  Target of(InetSocketAddress address, Labels dstLabels) {
    return targets.computeIfAbsent(new Key(address, dstLabels), k -> new Target(
        new H1Pool(loop -> connector.plain(loop, address, connectTimeout, dstLabels), IDLE_TIMEOUT, MAX_IDLE),
        new H2Upstream(loop -> connector.plain(loop, address, connectTimeout, dstLabels), group.next())));
  }

  void close() {
    targets.values().forEach(Target::close);
  }
}
