package dev.lattice.proxy.outbound;

import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.http.H2Upstream;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.tcp.Connector;
import dev.lattice.proxy.tcp.TransportHeader;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One multiplexed mTLS HTTP/2 connection per meshed endpoint (peer proxy and target port), shared
 * by every client connection of this proxy and closed once no client connection has used it for
 * the outbound idle timeout. The transport header names the port and HTTP/2.
 */
final class PeerUpstreams {
  private final SharedUpstreams<Key, H2Upstream> peers;

  /**
   * Labels are part of the key: the connection's metrics carry them. Written-out {@code equals} and
   * {@code hashCode}: every new client connection looks its key up, and a record's generated ones
   * run as method-handle chains, slow while connection set-up is still interpreted.
   */
  private record Key(Endpoint.Meshed peer, int port, Labels dstLabels) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && port == k.port && peer.equals(k.peer) && dstLabels.equals(k.dstLabels);
    }

    @Override
    public int hashCode() {
      return (peer.hashCode() * 31 + port) * 31 + dstLabels.hashCode();
    }
  }

  PeerUpstreams(Connector connector, EventLoopGroup group, Duration connectTimeout, Duration idleTimeout) {
    this.peers = new SharedUpstreams<>(
        key -> new H2Upstream(loop -> connector.mesh(loop, key.peer(),
            TransportHeader.http(key.port(), TransportHeader.SessionProtocol.HTTP2), connectTimeout, key.dstLabels()),
            group.next()),
        H2Upstream::close, idleTimeout,
        (task, delay) -> group.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** The connection for {@code endpoint}, held for as long as {@code client} is open. */
  H2Upstream http2(Endpoint endpoint, Labels dstLabels, Channel client) {
    return peers.heldBy(client, new Key(endpoint.meshed().orElseThrow(), endpoint.target().port(), dstLabels));
  }

  void close() {
    peers.closeAll();
  }
}
