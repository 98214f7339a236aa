package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.testing.Http1Wire;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.TestPki;
import dev.lattice.proxy.testing.WebSocketEchoApp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 Upgrade (WebSocket) through real proxies: the JDK's WebSocket client on one side,
 * Netty's WebSocket server on the other. Between meshed workloads the upgrade gets an mTLS
 * connection of its own (HTTP/2 cannot carry it); the server's proxy authorizes and counts the
 * upgrade request like any other, tells the app who the client is, and tunnels after the 101.
 */
class WebSocketThroughPairTest {
  @Test
  void aWebSocketCrossesTheMeshAndTheAppLearnsTheClientsIdentity() throws Exception {
    try (WebSocketEchoApp app = new WebSocketEchoApp();
        ProxyPair pair = ProxyPair.to(new TestPki(), app.address())) {
      Messages messages = new Messages();
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + pair.entry().getPort() + "/ws"), messages)
          .get(10, TimeUnit.SECONDS);

      assertThat(messages.next()).as("sent by the app right after its 101").isEqualTo("hello");
      for (int i = 0; i < 3; i++) {
        ws.sendText("message " + i, true).get(10, TimeUnit.SECONDS);
        assertThat(messages.next()).isEqualTo("echo: message " + i);
      }
      // Several frames and TLS records each way.
      String big = "0123456789abcdef".repeat(12_500);
      ws.sendText(big, true).get(10, TimeUnit.SECONDS);
      String bigEcho = messages.next();
      assertThat(bigEcho.equals("echo: " + big)).as("the 200,000-character message echoed intact (got %d characters)",
          bigEcho.length()).isTrue();

      assertThat(app.handshakes).singleElement().satisfies(h ->
          assertThat(h.get("l5d-client-id")).isEqualTo(TestPki.CLIENT.value()));
      assertThat(MetricsText.sum(pair.metricsB, "response_total", Map.of("direction", "inbound", "status_code", "101")))
          .isEqualTo(1);
      assertThat(MetricsText.sum(pair.metricsA, "response_total", Map.of("direction", "outbound", "status_code", "101")))
          .isEqualTo(1);

      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() ->
          MetricsText.sum(pair.metricsA, "tcp_open_connections") == 0 && MetricsText.sum(pair.metricsB, "tcp_open_connections") == 0);
    }
  }

  @Test
  void anUpgradeLaterInAKeepAliveConnectionToAMeshedAppTunnels() throws Exception {
    try (WebSocketEchoApp app = new WebSocketEchoApp();
        ProxyPair pair = ProxyPair.to(new TestPki(), app.address())) {
      upgradeAfterAPlainRequest(pair);
      assertThat(MetricsText.sum(pair.metricsB, "response_total", Map.of("direction", "inbound", "status_code", "101")))
          .isEqualTo(1);
      assertThat(app.handshakes).singleElement().satisfies(h ->
          assertThat(h.get("l5d-client-id")).isEqualTo(TestPki.CLIENT.value()));
    }
  }

  @Test
  void anUpgradeLaterInAKeepAliveConnectionToAnUnmeshedAppTunnels() throws Exception {
    try (WebSocketEchoApp app = new WebSocketEchoApp();
        ProxyPair pair = new ProxyPair(new TestPki())) {
      pair.target.set(app.address()); // not in discovery: unmeshed
      upgradeAfterAPlainRequest(pair);
      assertThat(app.handshakes).singleElement().satisfies(h -> assertThat(h.get("l5d-client-id")).isNull());
    }
  }

  /** A request that is not an upgrade, then on the same connection one that is, then frames. */
  private static void upgradeAfterAPlainRequest(ProxyPair pair) throws Exception {
    try (Socket client = new Socket("127.0.0.1", pair.entry().getPort())) {
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      // First an ordinary request, so the connection is already an HTTP one when the upgrade comes.
      out.write("GET /not-ws HTTP/1.1\r\nHost: app\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Http1Wire.Message plain = Http1Wire.readResponse(in, "GET");
      assertThat(plain.status()).isEqualTo(404);

      out.write(("GET /ws HTTP/1.1\r\nHost: app\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      Http1Wire.Message switched = Http1Wire.readHead(in);
      assertThat(switched.status()).isEqualTo(101);
      assertThat(switched.header("upgrade")).isEqualToIgnoringCase("websocket");
      assertThat(switched.header("connection")).isEqualToIgnoringCase("upgrade");
      assertThat(switched.header("sec-websocket-accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");

      assertThat(readTextFrame(in)).isEqualTo("hello");
      out.write(maskedTextFrame("ping"));
      assertThat(readTextFrame(in)).isEqualTo("echo: ping");
    }
    assertThat(MetricsText.sum(pair.metricsA, "response_total", Map.of("direction", "outbound", "status_code", "101")))
        .isEqualTo(1);
    assertThat(MetricsText.sum(pair.metricsA, "response_total", Map.of("direction", "outbound", "status_code", "404")))
        .isEqualTo(1);
  }

  /** One unmasked server text frame shorter than 126 bytes. */
  private static String readTextFrame(InputStream in) throws Exception {
    int first = in.read();
    int length = in.read();
    assertThat(first).as("FIN + text").isEqualTo(0x81);
    assertThat(length).isLessThan(126);
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** A client text frame (clients must mask, RFC 6455 §5.3). */
  private static byte[] maskedTextFrame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    byte[] frame = new byte[2 + 4 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }

  /** Collects whole text messages from the JDK client. */
  private static final class Messages implements WebSocket.Listener {
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    String next() throws InterruptedException {
      String message = received.poll(10, TimeUnit.SECONDS);
      assertThat(message).as("a message within 10 s").isNotNull();
      return message;
    }
  }
}
