package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.testing.EchoServer;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import dev.lattice.proxy.testing.UnansweredListener;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Traffic through a real proxy pair (A outbound → mTLS HTTP/2 or TCP → B inbound → app), with real clients. */
class MeshHopTest {
  static TestPki pki;
  static TestApp app;
  static EchoServer echo;
  static ProxyPair pair;

  @BeforeAll
  static void start() throws Exception {
    pki = new TestPki();
    app = new TestApp();
    echo = new EchoServer();
    pair = new ProxyPair(pki, Map.of("LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT", "300ms"));
    pair.meshed(app.address(), false);
    pair.meshed(echo.address(), true);
    pair.target.set(app.address());
  }

  @AfterAll
  static void stop() throws Exception {
    pair.close();
    app.close();
    echo.close();
  }

  @Test
  void http1KeepAliveTravelsAsHttp2AndArrivesAsHttp1WithClientIdentity() {
    Processes.Result r = Processes.run("curl", "-sv", "-D", "-", "-H", "l5d-client-id: forged.identity",
        pair.entryUrl("/hello"), pair.entryUrl("/hello?again"));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("HTTP/1.1 200");
    assertThat(r.out()).containsIgnoringCase("x-seen-client-id: " + TestPki.CLIENT.value());
    assertThat(r.out()).doesNotContain("forged.identity");
    assertThat(r.out()).containsIgnoringCase("x-seen-orig-proto: none");
    assertThat(r.out()).containsIgnoringCase("x-seen-version: HTTP/1.1");
    assertThat(r.out()).doesNotContainIgnoringCase("l5d-orig-proto");
    assertThat(r.out().split("hello", -1)).hasSize(3);
    assertThat(r.err()).contains("Re-using existing connection");
    assertThat(MetricsText.sum(pair.metricsA, "request_total", Map.of("direction", "outbound", "tls", "true",
        "server_id", TestPki.SERVER.value(), "dst_service", "app"))).isGreaterThanOrEqualTo(2);
    assertThat(MetricsText.sum(pair.metricsB, "response_total", Map.of("direction", "inbound", "status_code", "200",
        "client_id", TestPki.CLIENT.value(), "classification", "success"))).isGreaterThanOrEqualTo(2);
    assertThat(pair.metricsA.render()).contains("response_latency_ms_bucket{direction=\"outbound\"");
  }

  @Test
  void pipelinedHttp1RequestsAreAnsweredInOrderOnOneConnection() throws Exception {
    // Complete requests leave the connection reading; the ones behind them must still wait their turn.
    String requests = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
        + "POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
        + "GET /hello?last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    String reply;
    try (Socket s = new Socket()) {
      s.connect(pair.entry());
      s.setSoTimeout(10_000);
      s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
      reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    assertThat(reply.split("HTTP/1.1 200", -1)).hasSize(4);
    String digest = sha256("abc".getBytes(StandardCharsets.US_ASCII)) + " 3";
    int first = reply.indexOf("\r\n\r\nhello");
    int second = reply.indexOf(digest);
    int third = reply.lastIndexOf("\r\n\r\nhello");
    assertThat(first).isNotNegative().isLessThan(second);
    assertThat(second).isLessThan(third);
  }

  @Test
  void chunkedUploadArrivesIntact() {
    byte[] body = new byte[300_000];
    new Random(7).nextBytes(body);
    Processes.Result r = Processes.run(List.of("curl", "-sS", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-",
        pair.entryUrl("/digest")), body, 60);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(sha256(body) + " " + body.length);
  }

  @Test
  void h2cPriorKnowledgePassesThroughWithTrailers() {
    Processes.Result r = Processes.run("curl", "-sS", "--http2-prior-knowledge", "-D", "-", pair.entryUrl("/trailers"));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("HTTP/2 200");
    assertThat(r.out()).contains("with trailers");
    assertThat(r.out()).containsIgnoringCase("x-trailer: yes");

    Processes.Result hello = Processes.run("curl", "-sS", "--http2-prior-knowledge", "-D", "-", pair.entryUrl("/hello"));
    assertThat(hello.out()).containsIgnoringCase("x-seen-version: HTTP/2");
    assertThat(hello.out()).containsIgnoringCase("x-seen-client-id: " + TestPki.CLIENT.value());
  }

  @Test
  void h2loadManyStreamsWithoutErrors() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Processes.available("h2load"), "h2load not installed");
    Processes.Result r = Processes.run("h2load", "-n", "2000", "-c", "4", "-m", "16", pair.entryUrl("/hello"));

    assertThat(r.out()).as(r.out()).contains("2000 succeeded, 0 failed, 0 errored");
    Processes.Result h1 = Processes.run("h2load", "--h1", "-n", "1000", "-c", "8", pair.entryUrl("/hello"));
    assertThat(h1.out()).as(h1.out()).contains("1000 succeeded, 0 failed, 0 errored");
  }

  @Test
  void largeBodiesStreamBothWays() throws Exception {
    long n = 20L * 1024 * 1024;
    Processes.Result down = Processes.run("bash", "-c", "curl -sS " + pair.entryUrl("/bytes?n=" + n) + " | sha256sum");
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] chunk = new byte[64 * 1024];
    for (long i = 0; i < n; i += chunk.length) {
      int len = (int) Math.min(chunk.length, n - i);
      for (int k = 0; k < len; k++) {
        chunk[k] = TestApp.pattern(i + k);
      }
      md.update(chunk, 0, len);
    }
    assertThat(down.out()).startsWith(HexFormat.of().formatHex(md.digest()));
  }

  @Test
  void slowClientsGetEveryByteThroughBackpressureOnBothHops() throws Exception {
    // Regression: a paused HTTP/2 stream resumed from another event loop could stay paused forever.
    long n = 12L * 1024 * 1024;
    for (String proto : List.of("--http1.1", "--http2-prior-knowledge")) {
      Processes.Result r = Processes.run(List.of("bash", "-c",
          "curl -sS " + proto + " --limit-rate 6M " + pair.entryUrl("/bytes?n=" + n) + " | wc -c"), null, 60);
      assertThat(r.out().trim()).as(proto + " " + r.err()).isEqualTo(Long.toString(n));
    }
  }

  @Test
  void opaqueTcpIsSplicedOverMtlsWithTheTransportHeader() throws Exception {
    pair.target.set(echo.address());
    try {
      try (Socket s = new Socket()) {
        s.connect(pair.entry());
        byte[] sent = "SSH-2.0-not-http but opaque bytes\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(sent);
        byte[] got = s.getInputStream().readNBytes(sent.length);
        assertThat(got).isEqualTo(sent);
      }
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(MetricsText.sum(pair.metricsA, "tcp_write_bytes_total",
          Map.of("direction", "outbound", "peer", "dst", "tls", "true", "target_port", Integer.toString(echo.address().getPort()))))
          .isGreaterThan(35_000));
    } finally {
      pair.target.set(app.address());
    }
  }

  @Test
  void thousandConcurrentConnectionsCompleteAndGaugesReturnToZero() throws Exception {
    pair.target.set(echo.address());
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        int id = i;
        results.add(pool.submit(() -> {
          try (Socket s = new Socket()) {
            s.connect(pair.entry(), 10_000);
            s.setSoTimeout(20_000);
            byte[] msg = ("connection " + id + " says hello\n").getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(msg);
            return java.util.Arrays.equals(s.getInputStream().readNBytes(msg.length), msg);
          }
        }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pair.target.set(app.address());
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(MetricsText.sum(pair.metricsA, "tcp_open_connections", Map.of("peer", "src"))).isZero();
      assertThat(MetricsText.sum(pair.metricsB, "tcp_open_connections", Map.of("peer", "src", "target_port",
          Integer.toString(echo.address().getPort())))).isZero();
      assertThat(MetricsText.sum(pair.metricsB, "tcp_open_connections", Map.of("peer", "dst", "target_port",
          Integer.toString(echo.address().getPort())))).isZero();
    });
    assertThat(MetricsText.sum(pair.metricsA, "tcp_close_total", Map.of("direction", "outbound", "peer", "dst",
        "target_port", Integer.toString(echo.address().getPort())))).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void unreachablePeerGives502AndConnectTimeoutGives504WithProxyError() throws Exception {
    InetSocketAddress ghost;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ghost = (InetSocketAddress) s.getLocalSocketAddress();
    }
    InetSocketAddress target502 = new InetSocketAddress("127.0.0.1", 9);
    pair.meshedBehind(target502, ghost, TestPki.SERVER, false);
    pair.target.set(target502);
    try {
      Processes.Result r = Processes.run("curl", "-sS", "-D", "-", pair.entryUrl("/x"));
      assertThat(r.out()).startsWith("HTTP/1.1 502");
      assertThat(r.out()).containsIgnoringCase("l5d-proxy-error: endpoint unreachable");

      Processes.Result grpc = Processes.run("curl", "-sS", "--http2-prior-knowledge", "-D", "-",
          "-H", "content-type: application/grpc", "-d", "", pair.entryUrl("/pkg.Svc/Method"));
      assertThat(grpc.out()).startsWith("HTTP/2 200");
      assertThat(grpc.out()).containsIgnoringCase("grpc-status: 14");
      assertThat(grpc.out()).containsIgnoringCase("l5d-proxy-error:");

      // Connecting to a listener that never answers times out: 504.
      try (UnansweredListener unanswered = new UnansweredListener()) {
        InetSocketAddress target504 = new InetSocketAddress("127.0.0.1", 10);
        pair.meshedBehind(target504, unanswered.address(), TestPki.SERVER, false);
        pair.target.set(target504);
        Processes.Result t = Processes.run("curl", "-sS", "-D", "-", pair.entryUrl("/x"));
        assertThat(t.out()).startsWith("HTTP/1.1 504");
        assertThat(t.out()).containsIgnoringCase("l5d-proxy-error: connect timed out");
      }
    } finally {
      pair.target.set(app.address());
    }
    assertThat(MetricsText.sum(pair.metricsA, "response_total", Map.of("status_code", "502", "classification", "failure")))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void appThatHangsUpGives502FromTheServerSideWithoutLeakingItsError() {
    Processes.Result r = Processes.run("curl", "-sS", "-D", "-", pair.entryUrl("/close"));
    assertThat(r.out()).startsWith("HTTP/1.1 502");
    // B explains to A (a meshed client); A strips a peer's explanation before the app sees it.
    assertThat(r.out()).doesNotContainIgnoringCase("l5d-proxy-error");
  }

  @Test
  void garbageNeverTakesTheProxyDown() throws Exception {
    Random random = new Random(42);
    for (InetSocketAddress target : List.of(pair.entry(), pair.b.inboundAddress())) {
      for (int i = 0; i < 20; i++) {
        byte[] junk = new byte[1 + random.nextInt(4096)];
        random.nextBytes(junk);
        if (i % 4 == 0) {
          junk[0] = 0x16; // looks like TLS at first
        }
        try (Socket s = new Socket()) {
          s.connect(target);
          s.setSoTimeout(5_000);
          OutputStream out = s.getOutputStream();
          out.write(junk);
          out.flush();
          s.shutdownOutput();
          InputStream in = s.getInputStream();
          in.readNBytes(65536);
        } catch (java.io.IOException expected) {
          // reset or closed: both fine
        }
      }
    }
    // Malformed HTTP/1 gets a 400; a bogus HTTP/2 stream gets GOAWAY; the proxy keeps serving.
    try (Socket s = new Socket()) {
      s.connect(pair.entry());
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String reply = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(reply).isEqualTo("HTTP/1.1 400");
    }
    try (Socket s = new Socket()) {
      s.connect(pair.entry());
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 4, 0x7, 0, 0, 0, 0, 1, 1, 2, 3, 4}); // a GOAWAY on stream 1: protocol error
      byte[] reply = s.getInputStream().readAllBytes();
      assertThat(reply).isNotEmpty();
    }
    Processes.Result r = Processes.run("curl", "-sS", pair.entryUrl("/hello"));
    assertThat(r.out()).isEqualTo("hello");
  }

  static String sha256(byte[] b) throws RuntimeException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
