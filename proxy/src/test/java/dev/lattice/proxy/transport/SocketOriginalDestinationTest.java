package dev.lattice.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.proxy.transport.OriginalDestination.OrigDstUnavailable;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Error paths and address-family selection without iptables. The redirect itself is proved in
 * TransparentInterceptionTest, inside a network namespace with proxy-init's rules.
 */
class SocketOriginalDestinationTest {
  private final SocketOriginalDestination origDst = SocketOriginalDestination.create();

  @Test
  void aNonEpollChannelIsRefusedByName() {
    EmbeddedChannel ch = new EmbeddedChannel();
    try {
      assertThatThrownBy(() -> origDst.lookup(ch))
          .isInstanceOf(OrigDstUnavailable.class)
          .hasMessageContaining("needs a Netty epoll socket channel")
          .hasMessageContaining("EmbeddedChannel");
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aBadDescriptorReportsTheErrnoName() {
    assertThatThrownBy(() -> SocketOriginalDestination.lookup(-1, new InetSocketAddress("127.0.0.1", 1)))
        .isInstanceOf(OrigDstUnavailable.class)
        .hasMessageContaining("getsockopt(fd -1, SOL_IP, SO_ORIGINAL_DST) failed: EBADF (bad file descriptor)");
    assertThatThrownBy(() -> SocketOriginalDestination.lookup(-1, new InetSocketAddress("::1", 1)))
        .hasMessageContaining("SOL_IPV6")
        .hasMessageContaining("EBADF");
  }

  @Test
  void ipv4MappedClientsUseTheIpv4Option() throws Exception {
    assertThat(SocketOriginalDestination.isIpv4(InetAddress.getByName("10.0.0.1"))).isTrue();
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
    // getByAddress would hand back an Inet4Address; build the Inet6Address the kernel's view implies.
    assertThat(SocketOriginalDestination.isIpv4(java.net.Inet6Address.getByAddress(null, mapped, -1))).isTrue();
    assertThat(SocketOriginalDestination.isIpv4(InetAddress.getByName("::1"))).isFalse();
    assertThat(SocketOriginalDestination.isIpv4(InetAddress.getByName("fd00::ffff:a00:1"))).isFalse();
  }

  /**
   * A connection straight to the listener (no REDIRECT) has either no conntrack entry (ENOENT, with a
   * hint) or, when conntrack tracks this namespace, an entry whose original destination is the
   * listener itself. Both prove the call reaches the kernel with a real descriptor and decodes it.
   */
  @Test
  void anAcceptedEpollSocketIsLookedUpForReal() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Epoll.isAvailable(), "skipped: native epoll unavailable");
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    CompletableFuture<Object> seen = new CompletableFuture<>();
    try {
      Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
          .childHandler(new ChannelInitializer<EpollSocketChannel>() {
            @Override
            protected void initChannel(EpollSocketChannel ch) {
              try {
                seen.complete(origDst.lookup(ch));
              } catch (OrigDstUnavailable e) {
                seen.complete(e);
              }
            }
          })
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
      InetSocketAddress listening = (InetSocketAddress) server.localAddress();
      Channel client = new Bootstrap().group(group).channel(EpollSocketChannel.class)
          .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
          .connect(listening).sync().channel();

      Object result = seen.get(10, TimeUnit.SECONDS);
      if (result instanceof OrigDstAddr addr) {
        assertThat(addr.address()).isEqualTo(listening);
      } else {
        assertThat((OrigDstUnavailable) result).hasMessageContaining("ENOENT")
            .hasMessageContaining("was not redirected by iptables");
      }
      client.close().sync();
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
