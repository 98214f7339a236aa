package dev.lattice.proxy.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.proxy.testing.EchoServer;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import dev.lattice.proxy.testing.UnansweredListener;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP from the app to destinations discovery knows no proxy for: proxy A's outbound serves it per
 * request in plaintext, in the client's own HTTP version, with metrics and synthesized errors; what
 * is not HTTP is still spliced. Real curl/h2load and sockets against proxy A of a {@link ProxyPair}
 * (every target here is unmeshed, so B only stands by).
 */
class UnmeshedHttpTest {
  static ProxyPair pair;
  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Processes.available("curl"), "curl is not installed");
    pair = new ProxyPair(new TestPki(), Map.of("LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT", "300ms",
        "LINKERD2_PROXY_OUTBOUND_DETECT_TIMEOUT", "500ms"));
    app = new TestApp();
  }

  @AfterAll
  static void stop() {
    if (pair != null) {
      pair.close();
      app.close();
    }
  }

  @Test
  void http1StaysHttp1OnAPooledConnectionAndIsCounted() {
    try (TestApp own = new TestApp()) {
      pair.target.set(own.address());

      Processes.Result first = Processes.run("curl", "-sS", "-D", "-", pair.entryUrl("/hello"), pair.entryUrl("/hello?2"));
      Processes.Result second = Processes.run("curl", "-sS", "-D", "-", pair.entryUrl("/hello?3"));

      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(first.out().split("HTTP/1.1 200", -1)).hasSize(3);
      assertThat(first.out()).containsIgnoringCase("x-seen-version: HTTP/1.1")
          .containsIgnoringCase("x-seen-orig-proto: none") // never upgraded: no proxy there to undo it
          .containsIgnoringCase("x-seen-client-id: none")
          .doesNotContainIgnoringCase("l5d-orig-proto:");
      assertThat(second.out()).startsWith("HTTP/1.1 200").endsWith("hello");
      // Three requests over two client connections, one pooled connection to the destination.
      assertThat(own.requests).hasValue(3);
      assertThat(own.connections).hasValue(1);

      Map<String, String> labels = unmeshed(own.port());
      assertThat(MetricsText.sum(pair.metricsA, "request_total", labels)).isEqualTo(3);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(MetricsText.sum(pair.metricsA, "response_total",
          with(labels, "status_code", "200", "classification", "success"))).isEqualTo(3));
      assertThat(MetricsText.sum(pair.metricsA, "response_latency_ms_count", with(labels, "status_code", "200"))).isEqualTo(3);
      assertThat(MetricsText.sum(pair.metricsA, "tcp_open_total", with(labels, "peer", "dst"))).isEqualTo(1);
    }
  }

  @Test
  void h2cStaysHttp2OnOneSharedConnectionWithTrailers() {
    try (TestApp own = new TestApp()) {
      pair.target.set(own.address());

      Processes.Result r = Processes.run("curl", "-sS", "--http2-prior-knowledge", "-D", "-", pair.entryUrl("/trailers"));
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).startsWith("HTTP/2 200").contains("with trailers").containsIgnoringCase("x-trailer: yes");

      Processes.Result hello = Processes.run("curl", "-sS", "--http2-prior-knowledge", "-D", "-", pair.entryUrl("/hello"));
      assertThat(hello.out()).containsIgnoringCase("x-seen-version: HTTP/2").containsIgnoringCase("x-seen-orig-proto: none");

      int expected = 2;
      if (Processes.available("h2load")) {
        Processes.Result load = Processes.run("h2load", "-n", "300", "-c", "3", "-m", "10", pair.entryUrl("/hello"));
        assertThat(load.out()).as(load.out()).contains("300 succeeded, 0 failed, 0 errored");
        expected += 300;
      }
      // Every stream of every client connection multiplexed on one h2c connection.
      assertThat(own.connections).hasValue(1);
      Map<String, String> labels = unmeshed(own.port());
      assertThat(MetricsText.sum(pair.metricsA, "request_total", labels)).isEqualTo(expected);
      int total = expected;
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(MetricsText.sum(pair.metricsA, "response_total",
          with(labels, "status_code", "200", "classification", "success"))).isEqualTo(total));
    }
  }

  @Test
  void unreachableDestinationGives502ExplainedToTheApp() throws Exception {
    InetSocketAddress ghost;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ghost = (InetSocketAddress) s.getLocalSocketAddress();
    }
    pair.target.set(ghost);

    Processes.Result r = Processes.run("curl", "-sS", "-D", "-", pair.entryUrl("/x"));
    assertThat(r.out()).startsWith("HTTP/1.1 502")
        .containsIgnoringCase("l5d-proxy-error: endpoint unreachable")
        .containsIgnoringCase("connection: close");

    Processes.Result grpc = Processes.run("curl", "-sS", "--http2-prior-knowledge", "-D", "-",
        "-H", "content-type: application/grpc", "-d", "", pair.entryUrl("/pkg.Svc/Method"));
    assertThat(grpc.out()).startsWith("HTTP/2 200").containsIgnoringCase("grpc-status: 14");

    Map<String, String> labels = unmeshed(ghost.getPort());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(MetricsText.sum(pair.metricsA, "response_total", with(labels, "status_code", "502", "classification", "failure")))
          .isEqualTo(1);
      assertThat(MetricsText.sum(pair.metricsA, "response_total", with(labels, "status_code", "200", "grpc_status", "14",
          "classification", "failure"))).isEqualTo(1);
    });
  }

  @Test
  void connectTimeoutGives504() throws Exception {
    try (UnansweredListener unanswered = new UnansweredListener()) {
      InetSocketAddress target = unanswered.address();
      pair.target.set(target);

      Processes.Result h1 = Processes.run("curl", "-sS", "-D", "-", pair.entryUrl("/x"));
      assertThat(h1.out()).startsWith("HTTP/1.1 504").containsIgnoringCase("l5d-proxy-error: connect timed out");
      Processes.Result h2 = Processes.run("curl", "-sS", "--http2-prior-knowledge", "-D", "-", pair.entryUrl("/x"));
      assertThat(h2.out()).startsWith("HTTP/2 504").containsIgnoringCase("l5d-proxy-error: connect timed out");

      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(MetricsText.sum(pair.metricsA, "response_total",
          with(unmeshed(target.getPort()), "status_code", "504", "classification", "failure"))).isEqualTo(2));
    }
  }

  @Test
  void notHttpIsStillSplicedAsBytes() throws Exception {
    try (EchoServer echo = new EchoServer()) {
      pair.target.set(echo.address());
      byte[] sent = "SSH-2.0-not-http but opaque bytes\r\n".repeat(500).getBytes(StandardCharsets.US_ASCII);
      try (Socket s = new Socket()) {
        s.connect(pair.entry());
        s.setSoTimeout(10_000);
        s.getOutputStream().write(sent);
        assertThat(s.getInputStream().readNBytes(sent.length)).isEqualTo(sent);
      }
      Map<String, String> labels = unmeshed(echo.address().getPort());
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(MetricsText.sum(pair.metricsA,
          "tcp_write_bytes_total", with(labels, "peer", "dst"))).isEqualTo(sent.length));
      assertThat(MetricsText.sum(pair.metricsA, "request_total", labels)).isZero();
    }
  }

  @Test
  void aServerThatSpeaksFirstIsSplicedAfterTheDetectTimeout() throws Exception {
    try (ServerSocket smtp = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = smtp.accept(); OutputStream out = s.getOutputStream()) {
          out.write("220 mail.example ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          s.getInputStream().readAllBytes();
        } catch (IOException ignored) {
          // the test closes the listener
        }
      });
      pair.target.set((InetSocketAddress) smtp.getLocalSocketAddress());
      try (Socket s = new Socket()) {
        s.connect(pair.entry());
        s.setSoTimeout(10_000);
        // The client says nothing: after the detect timeout (500 ms) the proxy connects and splices.
        String greeting = new String(s.getInputStream().readNBytes(24), StandardCharsets.US_ASCII);
        assertThat(greeting).isEqualTo("220 mail.example ESMTP\r\n");
      }
      assertThat(MetricsText.sum(pair.metricsA, "request_total", unmeshed(smtp.getLocalPort()))).isZero();
    }
  }

  @Test
  void anHttp1ProtocolSwitchToAnUnmeshedServerIsSplicedIntact() throws Exception {
    // A minimal WebSocket-style server: 101 after the head, then it echoes whatever follows.
    try (ServerSocket ws = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = ws.accept()) {
          java.io.InputStream in = s.getInputStream();
          byte[] head = new byte[0];
          while (!new String(head, StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
              return;
            }
            head = java.util.Arrays.copyOf(head, head.length + 1);
            head[head.length - 1] = (byte) b;
          }
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          in.transferTo(out);
        } catch (IOException ignored) {
          // the client went away
        }
      });
      pair.target.set((InetSocketAddress) ws.getLocalSocketAddress());
      try (Socket s = new Socket()) {
        s.connect(pair.entry());
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET /chat HTTP/1.1\r\nHost: ws.example\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String switched = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n";
        assertThat(new String(s.getInputStream().readNBytes(switched.length()), StandardCharsets.US_ASCII)).isEqualTo(switched);
        s.getOutputStream().write("frames after the switch".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(s.getInputStream().readNBytes(23), StandardCharsets.US_ASCII)).isEqualTo("frames after the switch");
      }
      assertThat(MetricsText.sum(pair.metricsA, "request_total", unmeshed(ws.getLocalPort()))).isZero();
    }
  }

  /**
   * Needs the relay to resolve each request's series from its head:
   * {@code Exchange.start} calling {@code routes.metrics(head.authority())} once (see OutboundRoutes).
   */
  @Test
  void requestsAreLabelledWithTheirAuthority() throws Exception {
    pair.target.set(app.address());
    Processes.Result h1 = Processes.run("curl", "-sS", "-H", "Host: orders.example:8080", pair.entryUrl("/hello"));
    assertThat(h1.out()).isEqualTo("hello");
    Processes.Result h2 = Processes.run("curl", "-sS", "--http2-prior-knowledge", pair.entryUrl("/hello"));
    assertThat(h2.out()).isEqualTo("hello");
    try (Socket s = new Socket()) { // HTTP/1.0 without Host: no authority to label
      s.connect(pair.entry());
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /hello HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.0 200");
    }

    Map<String, String> labels = unmeshed(app.port());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(MetricsText.sum(pair.metricsA, "response_total", with(labels, "authority", "orders.example:8080",
          "status_code", "200"))).isEqualTo(1);
      assertThat(MetricsText.sum(pair.metricsA, "response_total", with(labels, "authority", "127.0.0.1:" + pair.entry().getPort(),
          "status_code", "200"))).isEqualTo(1);
    });
    assertThat(MetricsText.sum(pair.metricsA, "request_total", labels)).isEqualTo(3);
    assertThat(pair.metricsA.render()).contains("request_total{direction=\"outbound\",authority=\"orders.example:8080\",target_addr=");
    long unlabelled = pair.metricsA.render().lines()
        .filter(l -> l.startsWith("request_total{") && l.contains("target_port=\"" + app.port() + "\"") && !l.contains("authority="))
        .count();
    assertThat(unlabelled).isEqualTo(1);
  }

  private static Map<String, String> unmeshed(int port) {
    return Map.of("direction", "outbound", "target_port", Integer.toString(port),
        "tls", "no_identity", "no_tls_reason", "not_provided_by_service_discovery");
  }

  private static Map<String, String> with(Map<String, String> base, String... more) {
    Map<String, String> m = new HashMap<>(base);
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return m;
  }
}
