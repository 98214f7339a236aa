package dev.lattice.proxy.outbound;

import dev.lattice.proxy.http.H1Pool;
import dev.lattice.proxy.http.H2Upstream;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.tcp.Connector;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Plaintext HTTP connections to unmeshed destinations, per destination address and shared by every
 * client connection of this proxy: a pool of HTTP/1.1 connections (idle timeout
 * {@code LINKERD2_PROXY_OUTBOUND_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT}, 3 s by default; at most
 * 10 000 idle, as Linkerd) and one h2c connection, each opened on first use. No TLS and
 * no {@code l5d-orig-proto} upgrade: the destination has no proxy to undo it. A destination no
 * client connection has used for the outbound idle timeout is closed and forgotten.
 */
final class PlainUpstreams {
  static final int MAX_IDLE = 10_000;

  private final SharedUpstreams<Key, Target> targets;

  /** Labels are part of the key: discovery may label the same address differently later. */
  /** Written-out {@code equals} and {@code hashCode}, for the reason given on {@code PeerUpstreams.Key}. */
  private record Key(InetSocketAddress address, Labels dstLabels) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && address.equals(k.address) && dstLabels.equals(k.dstLabels);
    }

    @Override
    public int hashCode() {
      return address.hashCode() * 31 + dstLabels.hashCode();
    }
  }

  /** One destination's upstreams, by the version a request is sent in. */
  record Target(H1Pool http1, H2Upstream http2) {
    void close() {
      http1.close();
      http2.close();
    }
  }

  PlainUpstreams(Connector connector, EventLoopGroup group, Duration connectTimeout, Duration unusedTimeout,
      Duration http1IdleTimeout) {
    this.targets = new SharedUpstreams<>(
        key -> new Target(
            new H1Pool(loop -> connector.plain(loop, key.address(), connectTimeout, key.dstLabels()), http1IdleTimeout, MAX_IDLE),
            new H2Upstream(loop -> connector.plain(loop, key.address(), connectTimeout, key.dstLabels()), group.next())),
        Target::close, unusedTimeout,
        (task, delay) -> group.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  /**
   * The upstreams of {@code address}, held for as long as {@code client} is open; their connections
   * are counted under {@code dstLabels} (peer="dst"). Called once per client connection, not per request.
   */
  Target of(InetSocketAddress address, Labels dstLabels, Channel client) {
    return targets.heldBy(client, new Key(address, dstLabels));
  }

  void close() {
    targets.closeAll();
  }
}
