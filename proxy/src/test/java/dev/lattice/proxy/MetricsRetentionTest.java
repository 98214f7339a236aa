package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.testing.Http1Wire;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code LINKERD2_PROXY_METRICS_RETAIN_IDLE} through a real pair: a connection's TCP and HTTP
 * series stay while it is open, however quiet, and go once it has been closed for the retention;
 * series another open connection still counts into stay.
 */
class MetricsRetentionTest {
  private static final Map<String, String> CLIENT_TCP = Map.of("direction", "outbound", "peer", "src");
  private static final Map<String, String> OUTBOUND = Map.of("direction", "outbound");
  private static final Map<String, String> INBOUND = Map.of("direction", "inbound");

  @Test
  void aClosedConnectionsSeriesGoOnceIdleForTheRetentionWhileOpenOnesStay() throws Exception {
    try (TestApp app = new TestApp();
        ProxyPair pair = new ProxyPair(new TestPki(), Map.of(
            ProxyConfig.METRICS_RETAIN_IDLE, "0",
            // A's mTLS connection to B outlives the client's, and keeps B's series held.
            ProxyConfig.OUTBOUND_DISCOVERY_IDLE_TIMEOUT, "10m"))) {
      pair.meshed(app.address(), false);
      pair.target.set(app.address());

      try (Socket client = Http1Wire.sendGet(pair.entry(), "/hello")) {
        assertThat(Http1Wire.readHead(client.getInputStream()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> MetricsText.sum(pair.metricsA, "response_total", OUTBOUND) == 1);

        // Each scrape drops idle series; a retention of zero still keeps what an open connection holds.
        for (int scrape = 0; scrape < 3; scrape++) {
          assertThat(MetricsText.sum(pair.metricsA, "tcp_open_connections", CLIENT_TCP)).isEqualTo(1);
          assertThat(MetricsText.sum(pair.metricsA, "request_total", OUTBOUND)).isEqualTo(1);
        }
      }

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(MetricsText.count(pair.metricsA, "tcp_open_total", CLIENT_TCP)).isZero();
        assertThat(MetricsText.count(pair.metricsA, "request_total", OUTBOUND)).isZero();
        assertThat(MetricsText.count(pair.metricsA, "response_latency_ms_count", OUTBOUND)).isZero();
      });
      assertThat(MetricsText.sum(pair.metricsA, "tcp_open_connections", Map.of("direction", "outbound", "peer", "dst")))
          .as("A's connection to B is still open").isEqualTo(1);
      assertThat(MetricsText.sum(pair.metricsB, "request_total", INBOUND)).as("B's client connection is still open").isEqualTo(1);
      assertThat(MetricsText.sum(pair.metricsB, "tcp_open_connections", Map.of("direction", "inbound", "peer", "src"))).isEqualTo(1);
    }
  }

  @Test
  void withTheDefaultRetentionAClosedConnectionsSeriesStay() throws Exception {
    try (TestApp app = new TestApp();
        ProxyPair pair = ProxyPair.to(new TestPki(), app.address())) {
      try (Socket client = Http1Wire.sendGet(pair.entry(), "/hello")) {
        assertThat(Http1Wire.readHead(client.getInputStream()).status()).isEqualTo(200);
      }

      await().atMost(Duration.ofSeconds(10)).until(() ->
          MetricsText.count(pair.metricsA, "tcp_close_total", CLIENT_TCP) == 1
              && MetricsText.sum(pair.metricsA, "tcp_open_connections", CLIENT_TCP) == 0);
      assertThat(MetricsText.sum(pair.metricsA, "request_total", OUTBOUND)).isEqualTo(1);
      assertThat(MetricsText.sum(pair.metricsA, "response_total", OUTBOUND)).isEqualTo(1);
    }
  }
}
