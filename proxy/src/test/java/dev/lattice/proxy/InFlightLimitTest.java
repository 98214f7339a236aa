package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.listen.ConnectionLimit;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.testing.Http1Wire;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import dev.lattice.proxy.transport.OrigDstAddr;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Load shedding: with as many requests in flight as the outbound side allows, the next one is
 * answered at once with 503 and {@code l5d-proxy-error}, counted like any response; once the
 * requests in flight end (here: their clients go away), requests are relayed again.
 */
class InFlightLimitTest {
  @Test
  void pastTheLimitARequestIsShedWith503UntilRequestsInFlightEnd() throws Exception {
    MetricsRegistry metrics = new MetricsRegistry();
    try (TestApp app = new TestApp();
        SilentApp silent = new SilentApp()) {
      AtomicReference<InetSocketAddress> destination = new AtomicReference<>(silent.address());
      try (Proxy proxy = Proxy.start(ProxyConfig.parse(Map.of("LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:0",
              "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:0", "LINKERD2_PROXY_CORES", "1",
              ProxyConfig.OUTBOUND_MAX_IN_FLIGHT, "2")),
          new ProxyRuntime(new StaticCredentialSource(new TestPki().leaf(TestPki.SERVER)),
              t -> CompletableFuture.completedFuture(Endpoint.unmeshed(t)), ch -> new OrigDstAddr(destination.get()),
              metrics, Clock.systemUTC()))) {
        InetSocketAddress outbound = proxy.outboundAddresses().getFirst();
        List<Socket> waiting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          waiting.add(Http1Wire.sendGet(outbound, "/slow"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> silent.requestsSeen() == 2);

        try (Socket shed = Http1Wire.sendGet(outbound, "/slow")) {
          Http1Wire.Message answer = Http1Wire.readHead(shed.getInputStream());
          assertThat(answer.status()).isEqualTo(503);
          assertThat(answer.header("l5d-proxy-error")).startsWith("proxy max-concurrency exhausted");
        }
        assertThat(MetricsText.sum(metrics, "response_total", Map.of("direction", "outbound", "status_code", "503")))
            .isEqualTo(1);
        assertThat(MetricsText.sum(metrics, "outbound_http_errors_total", Map.of("error", "loadshed"))).isEqualTo(1);
        assertThat(silent.requestsSeen()).as("the shed request never left the proxy").isEqualTo(2);

        for (Socket s : waiting) {
          s.close();
        }
        destination.set(app.address());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          try (Socket again = Http1Wire.sendGet(outbound, "/slow")) {
            assertThat(Http1Wire.readHead(again.getInputStream()).status()).isEqualTo(200);
          }
        });
      }
    }
  }

  @Test
  void theDefaultIsTheConnectionLimitsHeapBudget() {
    long xmx12m = (12L << 20) - (256 << 10); // Runtime.maxMemory(): the heap less one survivor space
    assertThat(ConnectionLimit.defaultFor(xmx12m)).isEqualTo(1322);
    ProxyConfig defaults = ProxyConfig.parse(Map.of());
    int budget = ConnectionLimit.defaultFor(Runtime.getRuntime().maxMemory());
    assertThat(defaults.inboundMaxInFlight()).isEqualTo(budget);
    assertThat(defaults.outboundMaxInFlight()).isEqualTo(budget);
    assertThat(defaults.maxConnections()).isEqualTo(budget);
  }

  /** An application that accepts, reads requests and never answers. */
  private static final class SilentApp implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final StringBuffer seen = new StringBuffer();

    SilentApp() throws IOException {
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            accepted.add(s);
            Thread.ofVirtual().start(() -> drain(s));
          } catch (IOException closed) {
            return;
          }
        }
      });
    }

    private void drain(Socket s) {
      byte[] buf = new byte[4096];
      try (InputStream in = s.getInputStream()) {
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
          seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (IOException ignored) {
        // closed by the test
      }
    }

    int requestsSeen() {
      return seen.toString().split("GET /slow", -1).length - 1;
    }

    InetSocketAddress address() {
      return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
