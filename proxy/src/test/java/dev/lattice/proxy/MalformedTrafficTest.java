package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.proxy.testing.Http1Wire;
import dev.lattice.proxy.testing.MeshClient;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.ScriptedHttp1App;
import dev.lattice.proxy.testing.TestPki;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed traffic from either side gets a protocol-correct answer (GOAWAY with the right code,
 * 400, 502) and never takes the proxy down: after each case the next client is served.
 */
class MalformedTrafficTest {
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 0x4, 0, 0, 0, 0, 0};

  static TestPki pki;
  static ScriptedHttp1App app;
  static ProxyPair pair;

  @BeforeAll
  static void start() throws IOException {
    app = new ScriptedHttp1App();
    pki = new TestPki();
    pair = ProxyPair.to(pki, app.address());
  }

  @AfterAll
  static void stop() throws IOException {
    pair.close();
    app.close();
  }

  @AfterEach
  void theProxyStillServesTheNextClient() {
    Processes.Result r = Processes.run("curl", "-sS", pair.entryUrl("/echo?next"));
    assertThat(r.out()).as(r.err()).isEqualTo("GET /echo?next HTTP/1.1");
  }

  @Test
  void firstFrameAfterThePrefaceNotSettingsGetsGoAwayProtocolError() throws Exception {
    byte[] reply = exchange(concat(PREFACE, "this is not a frame at all, just words".getBytes(StandardCharsets.US_ASCII)));

    assertThat(goAwayError(reply)).isEqualTo(0x1); // PROTOCOL_ERROR
  }

  @Test
  void oversizedFrameAfterSettingsGetsGoAwayFrameSizeError() throws Exception {
    // A DATA frame header announcing 16 MiB - 1 on stream 1: above the default 16 KiB maximum.
    byte[] oversized = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0, 0x0, 0, 0, 0, 1, 1, 2, 3};
    byte[] reply = exchange(concat(PREFACE, concat(EMPTY_SETTINGS, oversized)));

    assertThat(goAwayError(reply)).isEqualTo(0x6); // FRAME_SIZE_ERROR
  }

  @Test
  void http1RequestsWithInvalidHeadersGet400AndNeverReachTheApp() throws Exception {
    long before = app.requests.size();
    for (String bad : List.of(
        "GET /echo HTTP/1.1\r\nHost: app\r\nContent-Length: abc\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: app\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        "GET /echo HTTP/1.1\r\nHost: app\r\nBad[Name]: x\r\n\r\n",
        "GET /echo HTTP/1.1\r\nHost: app\r\n: no name\r\n\r\n")) {
      try (Socket s = new Socket()) {
        s.connect(pair.entry());
        s.setSoTimeout(10_000);
        s.getOutputStream().write(bad.getBytes(StandardCharsets.US_ASCII));
        InputStream in = new BufferedInputStream(s.getInputStream());
        Http1Wire.Message r = Http1Wire.readResponse(in, "GET");

        assertThat(r.status()).as(bad).isEqualTo(400);
        assertThat(r.header("connection")).as(bad).isEqualToIgnoringCase("close");
        assertThat(in.read()).as(bad + ": the connection closes").isEqualTo(-1);
      }
    }
    assertThat(app.requests.size()).as("no malformed request reached the app").isEqualTo(before);
  }

  @Test
  void appAnsweringWithSomethingNotHttpGives502() {
    Processes.Result r = Processes.run("curl", "-sS", "-D", "-", "-o", "/dev/null", pair.entryUrl("/not-http"));

    assertThat(r.out()).startsWith("HTTP/1.1 502");
    assertThat(MetricsText.sum(pair.metricsB, "response_total", Map.of("direction", "inbound", "status_code", "502")))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void appConnectionFailureClosesTheClientConnectionAfterThe502() throws Exception {
    // §3.7: an I/O error with the app is a 502 that closes ("l5d-proxy-connection: close" to the
    // meshed peer, which closes its HTTP/1 client's connection) so the client reconnects.
    try (Socket s = new Socket()) {
      s.connect(pair.entry());
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /not-http HTTP/1.1\r\nHost: app\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = new BufferedInputStream(s.getInputStream());
      Http1Wire.Message r = Http1Wire.readResponse(in, "GET");

      assertThat(r.status()).isEqualTo(502);
      assertThat(r.header("connection")).isEqualToIgnoringCase("close");
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void serverProxyTellsItsPeerToCloseAfterAnAppConnectionFailure() throws Exception {
    try (MeshClient peer = new MeshClient(pki, TestPki.CLIENT, TestPki.SERVER, pair.b.inboundAddress(), app.address().getPort())) {
      MeshClient.Response r = peer.exchange(new DefaultHttp2Headers().method("GET").path("/not-http?peer").scheme("http")
          .authority("app").set("l5d-orig-proto", "HTTP/1.1"), null);

      assertThat(r.header(":status")).isEqualTo("502");
      assertThat(r.header("l5d-proxy-error")).isNotBlank();
      assertThat(r.header("l5d-proxy-connection")).isEqualTo("close");
    }
  }

  @Test
  void anHttp2RequestTargetThatHttp1CannotCarryGets400AndNeverReachesTheApp() throws Exception {
    int before = app.requests.size();
    try (MeshClient peer = new MeshClient(pki, TestPki.CLIENT, TestPki.SERVER, pair.b.inboundAddress(), app.address().getPort())) {
      // HPACK carries a space in :path (CR and LF are refused by the HTTP/2 decoder already); on an
      // HTTP/1 request line it would end the target and start something else.
      MeshClient.Response r = peer.exchange(new DefaultHttp2Headers().method("GET").path("/echo HTTP/1.0")
          .scheme("http").authority("app").set("l5d-orig-proto", "HTTP/1.1"), null);

      assertThat(r.header(":status")).isEqualTo("400");
      assertThat(r.header("l5d-proxy-error")).contains("cannot be sent as HTTP/1");
    }
    assertThat(app.requests.size()).as("nothing reached the app").isEqualTo(before);
  }

  @Test
  void h2RequestToAnAppThatOnlySpeaksHttp1Gives502() {
    // B speaks h2c to the app for an HTTP/2 request; this app answers the preface with HTTP/1.
    Processes.Result r = Processes.run(List.of("curl", "-sS", "--http2-prior-knowledge", "-D", "-", "-o", "/dev/null",
        pair.entryUrl("/echo?h2")), null, 30);

    assertThat(r.out()).startsWith("HTTP/2 502");
  }

  /** Sends {@code bytes} on a fresh connection to A and returns everything until it closes. */
  private static byte[] exchange(byte[] bytes) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(pair.entry());
      s.setSoTimeout(10_000);
      s.getOutputStream().write(bytes);
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      try {
        s.getInputStream().transferTo(reply);
      } catch (java.net.SocketException reset) {
        // a reset after the GOAWAY still leaves what was read
      }
      return reply.toByteArray();
    }
  }

  /** The error code of the first GOAWAY frame in {@code reply} (server frames after no preface), or -1. */
  private static long goAwayError(byte[] reply) {
    ByteBuffer b = ByteBuffer.wrap(reply);
    while (b.remaining() >= 9) {
      int length = ((b.get() & 0xff) << 16) | ((b.get() & 0xff) << 8) | (b.get() & 0xff);
      int type = b.get() & 0xff;
      b.get();
      b.getInt();
      if (b.remaining() < length) {
        return -1;
      }
      if (type == 0x7) {
        b.getInt(); // last stream id
        return b.getInt() & 0xffffffffL;
      }
      b.position(b.position() + length);
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
