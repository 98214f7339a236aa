package dev.lattice.proxy.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through a real pair with LINKERD2_PROXY_OUTBOUND_DISCOVERY_IDLE_TIMEOUT=300ms: the hop to a peer
 * stays while a client connection is open and closes once none has used it for the timeout.
 */
class OutboundIdleUpstreamsTest {
  private static final Map<String, String> HOP = Map.of("direction", "outbound", "peer", "dst");

  private TestApp app;
  private ProxyPair pair;

  @BeforeEach
  void start() {
    app = new TestApp();
    pair = new ProxyPair(new TestPki(), Map.of("LINKERD2_PROXY_OUTBOUND_DISCOVERY_IDLE_TIMEOUT", "300ms"));
    pair.meshed(app.address(), false);
    pair.target.set(app.address());
  }

  @AfterEach
  void stop() {
    pair.close();
    app.close();
  }

  @Test
  void theHopClosesOnceNoClientHasUsedItForTheTimeoutAndReopensOnDemand() {
    assertThat(Processes.run("curl", "-sS", pair.entryUrl("/hello")).out()).isEqualTo("hello");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(MetricsText.sum(pair.metricsA, "tcp_open_connections", HOP)).isZero());
    assertThat(MetricsText.sum(pair.metricsA, "tcp_close_total", HOP)).isEqualTo(1);

    assertThat(Processes.run("curl", "-sS", pair.entryUrl("/hello")).out()).isEqualTo("hello");
    assertThat(MetricsText.sum(pair.metricsA, "tcp_open_total", HOP)).isEqualTo(2);
  }

  @Test
  void anOpenClientConnectionKeepsTheHopPastTheTimeout() throws Exception {
    try (Socket client = new Socket()) {
      client.connect(pair.entry(), 5_000);
      client.setSoTimeout(10_000);
      assertThat(exchange(client)).endsWith("hello");

      // Idle, but still open: the hop must stay for well over the 300 ms timeout.
      await().pollDelay(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(MetricsText.sum(pair.metricsA, "tcp_open_connections", HOP)).isEqualTo(1));
      assertThat(exchange(client)).endsWith("hello");
      assertThat(MetricsText.sum(pair.metricsA, "tcp_open_total", HOP)).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(MetricsText.sum(pair.metricsA, "tcp_open_connections", HOP)).isZero());
  }

  /** One keep-alive GET on {@code client}; returns the raw response (the app's body is short). */
  private static String exchange(Socket client) throws Exception {
    OutputStream out = client.getOutputStream();
    out.write("GET /hello HTTP/1.1\r\nHost: app\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = client.getInputStream();
    StringBuilder response = new StringBuilder();
    while (!response.toString().endsWith("hello")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      response.append((char) b);
    }
    return response.toString();
  }
}
