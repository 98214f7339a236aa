package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import dev.lattice.proxy.transport.OriginalDestination;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What happens when SO_ORIGINAL_DST cannot be read: an outbound connection has nowhere to go and is
 * closed; an inbound one is treated as made directly to the proxy, so plaintext to the inbound port
 * itself is closed rather than looped back. Either way the proxy keeps serving.
 */
class OriginalDestinationFailureTest {
  @Test
  void aFailedLookupClosesThatConnectionOnlyAndTheProxyKeepsServing() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    OriginalDestination failing = ch -> {
      lookups.incrementAndGet();
      throw new OriginalDestination.OrigDstUnavailable("getsockopt(SO_ORIGINAL_DST) failed: ENOENT (test)");
    };
    try (TestApp app = new TestApp();
        Proxy proxy = Proxy.start(ProxyConfig.parse(Map.of("LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:0",
            "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:0", "LINKERD2_PROXY_CORES", "1")),
            new ProxyRuntime(new StaticCredentialSource(new TestPki().leaf(TestPki.SERVER)),
                t -> CompletableFuture.completedFuture(Endpoint.unmeshed(t)), failing, new MetricsRegistry(),
                Clock.systemUTC()))) {
      for (int attempt = 0; attempt < 2; attempt++) {
        assertThat(closedWithoutAnswer(proxy.outboundAddresses().getFirst())).as("outbound").isTrue();
        assertThat(closedWithoutAnswer(proxy.inboundAddress())).as("inbound, plaintext to itself").isTrue();
      }
      assertThat(lookups.get()).isEqualTo(4);
      assertThat(app.requests.get()).isZero();
    }
  }

  private static boolean closedWithoutAnswer(InetSocketAddress address) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address, 5000);
      s.setSoTimeout(15_000);
      s.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      try {
        return in.read() == -1;
      } catch (SocketException reset) {
        return true;
      }
    }
  }
}
