package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.listen.ConnectionLimit;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.testing.Http1Wire;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import dev.lattice.proxy.transport.OrigDstAddr;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * At its connection limit the proxy stops accepting: the next client's connection waits in the
 * accept queue, unanswered but not refused, and is served as soon as one connection closes.
 */
class ConnectionLimitTest {
  @Test
  void atTheLimitANewClientWaitsAndIsServedOnceAConnectionCloses() throws Exception {
    try (TestApp app = new TestApp();
        Proxy proxy = Proxy.start(ProxyConfig.parse(Map.of("LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:0",
            "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:0", "LINKERD2_PROXY_CORES", "1",
            ProxyConfig.MAX_CONNECTIONS, "4")),
            new ProxyRuntime(new StaticCredentialSource(new TestPki().leaf(TestPki.SERVER)),
                t -> CompletableFuture.completedFuture(Endpoint.unmeshed(t)), ch -> new OrigDstAddr(app.address()),
                new MetricsRegistry(), Clock.systemUTC()))) {
      InetSocketAddress outbound = proxy.outboundAddresses().getFirst();
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Socket s = Http1Wire.sendGet(outbound, "/hello");
          held.add(s);
          assertThat(Http1Wire.readHead(s.getInputStream()).status()).isEqualTo(200);
        }

        Socket waiting = Http1Wire.sendGet(outbound, "/hello");
        held.add(waiting);
        waiting.setSoTimeout(500);
        assertThatThrownBy(() -> waiting.getInputStream().read())
            .as("the fifth client is not accepted while four are open").isInstanceOf(SocketTimeoutException.class);
        assertThat(proxy.openConnections()).isEqualTo(4);

        held.removeFirst().close();
        waiting.setSoTimeout(10_000);
        assertThat(Http1Wire.readHead(waiting.getInputStream()).status()).isEqualTo(200);
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void theDefaultFollowsTheHeap() {
    assertThat(ConnectionLimit.defaultFor(12L << 20)).isEqualTo(1365);
    assertThat(ConnectionLimit.defaultFor(64L << 20)).isEqualTo(10_240);
    assertThat(ConnectionLimit.defaultFor(4L << 20)).as("never below a floor").isEqualTo(256);
  }
}
