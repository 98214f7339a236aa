package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@code response_latency_ms} is Linkerd's time to first byte: observed when the response's first
 * data passes, not when the response ends, so a long stream is not a slow response. Through a
 * real pair, with an application that sends its first chunk at once and the rest only when the
 * test says so: both proxies have counted the latency while the response is still open.
 */
class ResponseLatencyTest {
  private static final Map<String, String> OUTBOUND_200 = Map.of("direction", "outbound", "status_code", "200");
  private static final Map<String, String> INBOUND_200 = Map.of("direction", "inbound", "status_code", "200");

  @Test
  void latencyIsCountedAtTheFirstByteAndTheResponseAtItsEnd() throws Exception {
    CountDownLatch finish = new CountDownLatch(1);
    try (StreamingApp app = new StreamingApp(finish);
        ProxyPair pair = ProxyPair.to(new TestPki(), app.address());
        Socket client = new Socket()) {
      client.connect(pair.entry());
      client.setSoTimeout(10_000);
      client.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: app\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = client.getInputStream();
      readUntil(in, "first");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(MetricsText.sum(pair.metricsA, "response_latency_ms_count", OUTBOUND_200)).isEqualTo(1);
        assertThat(MetricsText.sum(pair.metricsB, "response_latency_ms_count", INBOUND_200)).isEqualTo(1);
      });
      assertThat(MetricsText.sum(pair.metricsA, "response_total", OUTBOUND_200)).as("the response is still open").isZero();
      assertThat(MetricsText.sum(pair.metricsB, "response_total", INBOUND_200)).isZero();

      finish.countDown();
      readUntil(in, "0\r\n\r\n");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(MetricsText.sum(pair.metricsA, "response_total", OUTBOUND_200)).isEqualTo(1);
        assertThat(MetricsText.sum(pair.metricsB, "response_total", INBOUND_200)).isEqualTo(1);
      });
      assertThat(MetricsText.sum(pair.metricsA, "response_latency_ms_count", OUTBOUND_200)).as("once per response").isEqualTo(1);
      assertThat(MetricsText.sum(pair.metricsB, "response_latency_ms_count", INBOUND_200)).isEqualTo(1);
    }
  }

  private static void readUntil(InputStream in, String marker) throws IOException {
    StringBuilder seen = new StringBuilder();
    while (seen.indexOf(marker) < 0) {
      int b = in.read();
      assertThat(b).as("connection ended before %s; got %s", marker, seen).isNotEqualTo(-1);
      seen.append((char) b);
    }
  }

  /** One connection: a chunked 200 whose first chunk goes at once and whose end waits for {@code finish}. */
  private static final class StreamingApp implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());

    StreamingApp(CountDownLatch finish) throws IOException {
      Thread.ofVirtual().start(() -> {
        try (Socket s = socket.accept()) {
          readUntil(s.getInputStream(), "\r\n\r\n");
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          finish.await();
          out.write("4\r\nlast\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          s.getInputStream().read(); // until the proxy closes the pooled connection
        } catch (IOException | InterruptedException | AssertionError e) {
          // the test fails on its own side; nothing to add here
        }
      });
    }

    InetSocketAddress address() {
      return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
