package dev.lattice.proxy.outbound;

import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.http.H2Upstream;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.tcp.Connector;
import dev.lattice.proxy.tcp.TransportHeader;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One multiplexed mTLS HTTP/2 connection per meshed endpoint (peer proxy and target port), shared
 * by every client connection of this proxy. The transport header names the port and HTTP/2.
 */
final class PeerUpstreams {
  private final Connector connector;
  private final EventLoopGroup group;
  private final Duration connectTimeout;
  private final Map<Key, H2Upstream> peers = new ConcurrentHashMap<>();

  private record Key(Endpoint.Meshed peer, int port) {}

  PeerUpstreams(Connector connector, EventLoopGroup group, Duration connectTimeout) {
    this.connector = connector;
    this.group = group;
    this.connectTimeout = connectTimeout;
  }

  H2Upstream http2(Endpoint endpoint, Labels dstLabels) {
    Endpoint.Meshed peer = endpoint.meshed().orElseThrow();
    int port = endpoint.target().port();
    return peers.computeIfAbsent(new Key(peer, port), k -> new H2Upstream(
        loop -> connector.mesh(loop, peer, TransportHeader.http(port, TransportHeader.SessionProtocol.HTTP2),
            connectTimeout, dstLabels),
        group.next()));
  }

  void close() {
    peers.values().forEach(H2Upstream::close);
  }
}
