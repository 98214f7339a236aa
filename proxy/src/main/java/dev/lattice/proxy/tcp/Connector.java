package dev.lattice.proxy.tcp;

import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.listen.Transport;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.tls.MeshTls;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Opens the connections the proxy makes: plain TCP (to the local app, to unmeshed destinations) and
 * mesh mTLS to a peer proxy's inbound port, followed by the transport header. The returned channel
 * is connected (and, for mesh, handshaken with the header written) and does not read until the
 * caller has installed its handlers and turns auto-read on.
 */
public final class Connector {
  private final Transport transport;
  private final TcpMetrics metrics;
  private final MeshTls tls;

  public Connector(Transport transport, TcpMetrics metrics, MeshTls tls) {
    this.transport = transport;
    this.metrics = metrics;
    this.tls = tls;
  }

  /** Plain TCP to {@code address}, counted under {@code labels} (peer="dst"). */
  public Future<Channel> plain(EventLoop loop, InetSocketAddress address, Duration timeout, Labels labels) {
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture connect = transport.bootstrap(loop, timeout)
        .option(ChannelOption.AUTO_READ, false)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(TcpMetricsHandler.NAME, new TcpMetricsHandler(metrics, labels));
          }
        })
        .connect(address);
    connect.addListener(f -> {
      if (f.isSuccess()) {
        TcpMetricsHandler.of(connect.channel()).bind(labels);
        promise.trySuccess(connect.channel());
      } else {
        promise.tryFailure(f.cause());
      }
    });
    return promise;
  }

  /**
   * mTLS to {@code peer.proxy()}, requiring the peer to prove {@code peer.identity()}, then writes
   * {@code header}. Fails if the peer does not negotiate the transport-header ALPN.
   */
  public Future<Channel> mesh(EventLoop loop, Endpoint.Meshed peer, TransportHeader header, Duration timeout, Labels labels) {
    Promise<Channel> promise = loop.newPromise();
    SslHandler ssl;
    try {
      ssl = tls.newClientHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, peer.identity(), peer.proxy().getPort(), timeout.plusSeconds(10));
    } catch (MeshTls.NoCredentials e) {
      return loop.newFailedFuture(e);
    }
    ChannelFuture connect = transport.bootstrap(loop, timeout)
        .option(ChannelOption.AUTO_READ, false)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(TcpMetricsHandler.NAME, new TcpMetricsHandler(metrics, labels));
            ch.pipeline().addLast("tls", ssl);
          }
        })
        .connect(peer.proxy());
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        ssl.engine().closeOutbound();
        promise.tryFailure(f.cause());
        return;
      }
      Channel ch = connect.channel();
      TcpMetricsHandler.of(ch).bind(labels);
      ssl.handshakeFuture().addListener(h -> {
        if (!h.isSuccess()) {
          ch.close();
          promise.tryFailure(new PeerHandshakeFailed(peer, h.cause()));
          return;
        }
        if (!MeshTls.TRANSPORT_HEADER_ALPN.equals(ssl.applicationProtocol())) {
          ch.close();
          promise.tryFailure(new PeerHandshakeFailed(peer,
              new IllegalStateException("peer did not negotiate " + MeshTls.TRANSPORT_HEADER_ALPN)));
          return;
        }
        ByteBuf buf = ch.alloc().buffer(64);
        header.encode(buf);
        ch.writeAndFlush(buf).addListener(w -> {
          if (w.isSuccess()) {
            promise.trySuccess(ch);
          } else {
            ch.close();
            promise.tryFailure(w.cause());
          }
        });
      });
    });
    return promise;
  }

  /** The peer proxy could not be reached over mTLS, or did not prove the expected identity. */
  public static final class PeerHandshakeFailed extends RuntimeException {
    public PeerHandshakeFailed(Endpoint.Meshed peer, Throwable cause) {
      super("TLS handshake with " + peer.proxy() + " (expecting " + peer.identity() + ") failed: " + cause.getMessage(), cause);
    }
  }
}
