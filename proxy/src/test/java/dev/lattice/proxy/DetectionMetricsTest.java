package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.testing.EchoServer;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code <direction>_tcp_detect_http_results_total{result}} and {@code ..._duration_seconds} tell
 * what HTTP detection decided for each connection, through a real pair (detect timeouts 300 ms).
 */
class DetectionMetricsTest {
  private static final String RESULTS = "_tcp_detect_http_results_total";

  static TestApp app;
  static EchoServer echo;
  static ProxyPair pair;

  @BeforeAll
  static void start() throws IOException {
    app = new TestApp();
    echo = new EchoServer();
    pair = new ProxyPair(new TestPki(), Map.of("LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT", "300ms",
        "LINKERD2_PROXY_OUTBOUND_DETECT_TIMEOUT", "300ms"));
    pair.meshed(app.address(), false);
    pair.meshed(echo.address(), false);
  }

  @AfterAll
  static void stop() throws IOException {
    pair.close();
    echo.close();
    app.close();
  }

  @Test
  void http1AndPriorKnowledgeH2AreToldApart() {
    pair.target.set(app.address());
    double http1 = results(pair.metricsA, "outbound", "http/1");
    double h2 = results(pair.metricsA, "outbound", "h2");

    assertThat(Processes.run("curl", "-sS", pair.entryUrl("/")).out()).isEqualTo("hello");
    assertThat(Processes.run("curl", "-sS", "--http2-prior-knowledge", pair.entryUrl("/")).out()).isEqualTo("hello");

    assertThat(results(pair.metricsA, "outbound", "http/1")).isEqualTo(http1 + 1);
    assertThat(results(pair.metricsA, "outbound", "h2")).isEqualTo(h2 + 1);
  }

  @Test
  void bytesThatAreNotHttpAreNotHttpOnBothSides() throws IOException {
    pair.target.set(echo.address());
    double client = results(pair.metricsA, "outbound", "not_http");
    double server = results(pair.metricsB, "inbound", "not_http");

    try (Socket s = new Socket()) {
      s.connect(pair.entry());
      s.setSoTimeout(10_000);
      s.getOutputStream().write("PING redis-ish\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(s.getInputStream().readNBytes(16), StandardCharsets.US_ASCII)).isEqualTo("PING redis-ish\r\n");
    }

    assertThat(results(pair.metricsA, "outbound", "not_http")).isEqualTo(client + 1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results(pair.metricsB, "inbound", "not_http")).isEqualTo(server + 1));
  }

  @Test
  void aClientThatSaysNothingIsAReadTimeoutThatTookTheWholeTimeout() throws IOException {
    pair.target.set(echo.address());
    double timeouts = results(pair.metricsA, "outbound", "read_timeout");
    double observed = MetricsText.sum(pair.metricsA, "outbound_tcp_detect_http_duration_seconds_count");
    double under100ms = MetricsText.sum(pair.metricsA, "outbound_tcp_detect_http_duration_seconds_bucket", Map.of("le", "0.1"));

    try (Socket s = new Socket()) {
      s.connect(pair.entry());
      s.setSoTimeout(10_000);
      // Nothing sent: after the timeout the connection is forwarded as opaque, and the echo answers.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(results(pair.metricsA, "outbound", "read_timeout")).isEqualTo(timeouts + 1));
      s.getOutputStream().write('x');
      assertThat(s.getInputStream().read()).isEqualTo('x');
    }

    assertThat(MetricsText.sum(pair.metricsA, "outbound_tcp_detect_http_duration_seconds_count")).isEqualTo(observed + 1);
    assertThat(MetricsText.sum(pair.metricsA, "outbound_tcp_detect_http_duration_seconds_bucket", Map.of("le", "0.1")))
        .as("300 ms is above the 100 ms bucket").isEqualTo(under100ms);
  }

  @Test
  void aClientThatLeavesBeforeItCanBeToldIsAnError() throws IOException {
    pair.target.set(app.address());
    double errors = results(pair.metricsA, "outbound", "error");

    try (Socket s = new Socket()) {
      s.connect(pair.entry());
      s.getOutputStream().write("GE".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    }

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(results(pair.metricsA, "outbound", "error")).isEqualTo(errors + 1));
  }

  private static double results(MetricsRegistry registry, String direction, String result) {
    return MetricsText.sum(registry, direction + RESULTS, Map.of("result", result));
  }
}
