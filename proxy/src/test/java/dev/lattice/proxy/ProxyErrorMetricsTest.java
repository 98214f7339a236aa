package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import dev.lattice.proxy.transport.OrigDstAddr;
import dev.lattice.proxy.transport.OriginalDestination;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a proxy could not carry because of its own failure is counted where it failed, with Linkerd's
 * names and {@code error} labels: {@code <direction>_http_errors_total} per request answered with a
 * synthesized error, {@code <direction>_tcp_errors_total} (with the target) per connection closed.
 * Through a real pair; each case checks the side that failed counts it and the other does not.
 */
class ProxyErrorMetricsTest {
  static TestPki pki;
  static ProxyPair pair;

  @BeforeAll
  static void start() {
    pki = new TestPki();
    pair = new ProxyPair(pki, Map.of("LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT", "300ms"));
  }

  @AfterAll
  static void stop() {
    pair.close();
  }

  @Test
  void anAppThatCannotBeReachedIsAnInboundIoErrorOnTheServerSide() throws IOException {
    InetSocketAddress nobody = nobodyListening();
    pair.meshed(nobody, false);
    pair.target.set(nobody);
    double before = MetricsText.sum(pair.metricsB, "inbound_http_errors_total", Map.of("error", "i/o"));
    double clientSideBefore = MetricsText.sum(pair.metricsA, "outbound_http_errors_total");

    Processes.Result r = Processes.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", pair.entryUrl("/"));

    assertThat(r.out()).isEqualTo("502");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(MetricsText.sum(pair.metricsB, "inbound_http_errors_total", Map.of("error", "i/o"))).isEqualTo(before + 1));
    assertThat(MetricsText.sum(pair.metricsA, "outbound_http_errors_total"))
        .as("the client's proxy relayed B's answer: no error of its own").isEqualTo(clientSideBefore);
  }

  @Test
  void aPeerProxyThatCannotBeReachedIsAnOutboundIoError() throws IOException {
    InetSocketAddress app = nobodyListening();
    pair.meshedBehind(app, nobodyListening(), TestPki.SERVER, false);
    pair.target.set(app);
    double before = MetricsText.sum(pair.metricsA, "outbound_http_errors_total", Map.of("error", "i/o"));

    Processes.Result r = Processes.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", pair.entryUrl("/"));

    assertThat(r.out()).isEqualTo("502");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(MetricsText.sum(pair.metricsA, "outbound_http_errors_total", Map.of("error", "i/o"))).isEqualTo(before + 1));
  }

  @Test
  void anOpaqueConnectionThatCannotBeForwardedIsAnOutboundTcpIoErrorForItsTarget() throws IOException {
    InetSocketAddress nobody = nobodyListening();
    OrigDstAddr target = new OrigDstAddr(nobody);
    pair.discovery.put(target, new Endpoint(target, Optional.empty(), true, Map.of()));
    pair.target.set(nobody);
    Map<String, String> labels = Map.of("target_addr", "127.0.0.1:" + nobody.getPort(), "target_ip", "127.0.0.1",
        "target_port", Integer.toString(nobody.getPort()), "error", "i/o");

    try (Socket client = new Socket()) {
      client.connect(pair.entry());
      client.setSoTimeout(10_000);

      assertThat(readOrReset(client)).as("the client's connection is closed").isEqualTo(-1);
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(MetricsText.sum(pair.metricsA, "outbound_tcp_errors_total", labels)).isEqualTo(1));
  }

  @Test
  void anInboundClientThatSaysNothingIsATlsDetectionTimeout() throws IOException {
    InetSocketAddress inbound = pair.b.inboundAddress();
    Map<String, String> labels = Map.of("target_addr", "127.0.0.1:" + inbound.getPort(), "error", "tls detection timeout");
    double before = MetricsText.sum(pair.metricsB, "inbound_tcp_errors_total", labels);

    try (Socket client = new Socket()) {
      client.connect(inbound);
      client.setSoTimeout(10_000);

      assertThat(readOrReset(client)).as("closed once the detection timeout passed").isEqualTo(-1);
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(MetricsText.sum(pair.metricsB, "inbound_tcp_errors_total", labels)).isEqualTo(before + 1));
  }

  @Test
  void inboundConnectionsForAnAddressNotInInboundIpsAreClosedAndCounted() throws IOException {
    MetricsRegistry metrics = new MetricsRegistry();
    try (Proxy proxy = Proxy.start(ProxyConfig.parse(Map.of("LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "0.0.0.0:0",
            "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:0", "LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT", "300ms",
            "LINKERD2_PROXY_INBOUND_IPS", "127.0.0.2")),
        new ProxyRuntime(new StaticCredentialSource(pki.leaf(TestPki.SERVER)),
            t -> CompletableFuture.completedFuture(Endpoint.unmeshed(t)), OriginalDestination.localAddress(),
            metrics, Clock.systemUTC()))) {
      int port = proxy.inboundAddress().getPort();

      // For 127.0.0.1, not the workload's address: closed at once, before any detection.
      assertThat(silentClientIsClosed(new InetSocketAddress("127.0.0.1", port))).isTrue();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(MetricsText.sum(metrics, "inbound_tcp_errors_total",
          Map.of("target_addr", "127.0.0.1:" + port, "error", "unexpected"))).isEqualTo(1));

      // For 127.0.0.2, the allowed address: it gets as far as TLS detection, which times out.
      assertThat(silentClientIsClosed(new InetSocketAddress("127.0.0.2", port))).isTrue();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(MetricsText.sum(metrics, "inbound_tcp_errors_total",
          Map.of("target_addr", "127.0.0.2:" + port, "error", "tls detection timeout"))).isEqualTo(1));
      assertThat(MetricsText.sum(metrics, "inbound_tcp_errors_total", Map.of("error", "unexpected"))).isEqualTo(1);
    }
  }

  private static boolean silentClientIsClosed(InetSocketAddress address) throws IOException {
    try (Socket client = new Socket()) {
      client.connect(address);
      client.setSoTimeout(10_000);
      return readOrReset(client) == -1;
    }
  }

  /** An address on loopback where nothing listens (a port just freed). */
  private static InetSocketAddress nobodyListening() throws IOException {
    return new InetSocketAddress("127.0.0.1", TestApp.freePort());
  }

  /** -1 for an orderly close or a reset alike: either way the proxy ended the connection. */
  private static int readOrReset(Socket s) throws IOException {
    try {
      return s.getInputStream().read();
    } catch (java.net.SocketException reset) {
      return -1;
    }
  }
}
