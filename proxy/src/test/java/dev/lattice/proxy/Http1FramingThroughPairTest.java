package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.testing.Http1Wire;
import dev.lattice.proxy.testing.MeshClient;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.ScriptedHttp1App;
import dev.lattice.proxy.testing.TestPki;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1 framing end to end: a raw-socket client → proxy A (HTTP/1 → HTTP/2 with l5d-orig-proto)
 * → mTLS → proxy B (back to HTTP/1) → a byte-exact HTTP/1 app. Every message is read off the wire
 * as framed, so a body that should not exist, or a connection that should have closed, shows.
 */
class Http1FramingThroughPairTest {
  static TestPki pki;
  static ScriptedHttp1App app;
  static ProxyPair pair;

  @BeforeAll
  static void start() throws IOException {
    pki = new TestPki();
    app = new ScriptedHttp1App();
    pair = ProxyPair.to(pki, app.address());
  }

  @AfterAll
  static void stop() throws IOException {
    pair.close();
    app.close();
  }

  @Test
  void http10RequestWithoutKeepAliveIsAnsweredAsHttp10AndTheConnectionCloses() throws Exception {
    try (Client c = new Client()) {
      c.send("GET /echo?v10 HTTP/1.0\r\nHost: app\r\n\r\n");
      Http1Wire.Message r = c.response("GET");

      assertThat(r.startLine()).startsWith("HTTP/1.0 200");
      assertThat(r.bodyText()).as("the app sees the client's version").isEqualTo("GET /echo?v10 HTTP/1.0");
      assertThat(r.header("l5d-orig-proto")).isNull();
      assertThat(c.in.read()).as("HTTP/1.0 without keep-alive closes").isEqualTo(-1);
    }
  }

  @Test
  void http10KeepAliveConnectionCarriesASecondRequest() throws Exception {
    try (Client c = new Client()) {
      c.send("GET /echo?first HTTP/1.0\r\nHost: app\r\nConnection: keep-alive\r\n\r\n");
      Http1Wire.Message first = c.response("GET");
      c.send("GET /echo?second HTTP/1.0\r\nHost: app\r\nConnection: keep-alive\r\n\r\n");
      Http1Wire.Message second = c.response("GET");

      assertThat(first.startLine()).startsWith("HTTP/1.0 200");
      assertThat(first.header("connection")).isEqualToIgnoringCase("keep-alive");
      assertThat(first.bodyText()).isEqualTo("GET /echo?first HTTP/1.0");
      assertThat(first.header("content-length")).isEqualTo(Integer.toString(first.body().length));
      assertThat(second.bodyText()).isEqualTo("GET /echo?second HTTP/1.0");
    }
  }

  @Test
  void headResponseKeepsItsContentLengthAndCarriesNoBody() throws Exception {
    try (Client c = new Client()) {
      c.send("HEAD /head HTTP/1.1\r\nHost: app\r\n\r\n");
      Http1Wire.Message head = c.response("HEAD");
      c.send("GET /echo?after-head HTTP/1.1\r\nHost: app\r\n\r\n");
      Http1Wire.Message next = c.response("GET");

      assertThat(head.startLine()).startsWith("HTTP/1.1 200");
      assertThat(head.header("content-length")).isEqualTo("1234");
      assertThat(head.header("transfer-encoding")).isNull();
      // Had a body (or a chunk terminator) followed the HEAD response, it would be read here instead.
      assertThat(next.startLine()).startsWith("HTTP/1.1 200");
      assertThat(next.bodyText()).isEqualTo("GET /echo?after-head HTTP/1.1");
    }
  }

  @Test
  void noContentAndNotModifiedResponsesHaveNoBodyAndKeepTheConnection() throws Exception {
    try (Client c = new Client()) {
      c.send("GET /204 HTTP/1.1\r\nHost: app\r\n\r\n");
      Http1Wire.Message noContent = c.response("GET");
      c.send("GET /304 HTTP/1.1\r\nHost: app\r\nIf-None-Match: \"v1\"\r\n\r\n");
      Http1Wire.Message notModified = c.response("GET");
      c.send("GET /echo?after HTTP/1.1\r\nHost: app\r\n\r\n");
      Http1Wire.Message next = c.response("GET");

      assertThat(noContent.startLine()).startsWith("HTTP/1.1 204");
      assertThat(noContent.header("x-kind")).isEqualTo("none");
      assertThat(noContent.header("transfer-encoding")).isNull();
      assertThat(noContent.header("connection")).isNull();
      assertThat(notModified.startLine()).startsWith("HTTP/1.1 304");
      assertThat(notModified.header("etag")).isEqualTo("\"v1\"");
      assertThat(notModified.header("transfer-encoding")).isNull();
      assertThat(next.bodyText()).isEqualTo("GET /echo?after HTTP/1.1");
    }
  }

  @Test
  void chunkedResponseTrailersReachAnHttp1Client() throws Exception {
    try (Client c = new Client()) {
      c.send("GET /chunked-trailers HTTP/1.1\r\nHost: app\r\nTE: trailers\r\n\r\n");
      Http1Wire.Message r = c.response("GET");

      assertThat(r.startLine()).startsWith("HTTP/1.1 200");
      assertThat(r.header("transfer-encoding")).isEqualToIgnoringCase("chunked");
      assertThat(r.bodyText()).isEqualTo("hello world");
      assertThat(r.trailers()).containsEntry("x-checksum", "abc");
    }
  }

  @Test
  void absoluteFormTargetReachesTheAppIntact() throws Exception {
    try (Client c = new Client()) {
      c.send("GET http://app.example:8080/path/to?q=1&r=%20 HTTP/1.1\r\nHost: app.example:8080\r\n\r\n");
      Http1Wire.Message r = c.response("GET");

      assertThat(r.startLine()).startsWith("HTTP/1.1 200");
      assertThat(r.bodyText()).isEqualTo("GET http://app.example:8080/path/to?q=1&r=%20 HTTP/1.1");
    }
    Http1Wire.Message seen = app.requests.stream().filter(m -> m.startLine().contains("/path/to")).findFirst().orElseThrow();
    assertThat(seen.header("host")).isEqualTo("app.example:8080");
    assertThat(seen.header("l5d-orig-proto")).isNull();
  }

  @Test
  void pipelinedBodilessResponsesAreAnsweredInOrder() throws Exception {
    try (Client c = new Client()) {
      // Responses without bodies are where a relay most easily loses track of message boundaries.
      c.send("GET /204 HTTP/1.1\r\nHost: app\r\n\r\n"
          + "HEAD /head HTTP/1.1\r\nHost: app\r\n\r\n"
          + "GET /304 HTTP/1.1\r\nHost: app\r\n\r\n"
          + "GET /echo?last HTTP/1.1\r\nHost: app\r\n\r\n");

      assertThat(c.response("GET").status()).isEqualTo(204);
      Http1Wire.Message head = c.response("HEAD");
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo("1234");
      assertThat(c.response("GET").status()).isEqualTo(304);
      assertThat(c.response("GET").bodyText()).isEqualTo("GET /echo?last HTTP/1.1");
    }
  }

  @Test
  void expectContinueUploadGetsOneInterimResponseThenTheResult() throws Exception {
    byte[] body = new byte[200_000];
    new Random(3).nextBytes(body);
    try (Client c = new Client()) {
      c.send("POST /digest HTTP/1.1\r\nHost: app\r\nContent-Length: " + body.length + "\r\nExpect: 100-continue\r\n\r\n");
      // The client waits for the go-ahead before sending a byte of the body.
      assertThat(Http1Wire.readLine(c.in)).isEqualTo("HTTP/1.1 100 Continue");
      assertThat(Http1Wire.readLine(c.in)).isEmpty();
      c.socket.getOutputStream().write(body);
      Http1Wire.Message r = Http1Wire.readResponse(c.in, "POST");

      assertThat(r.startLine()).as("exactly one interim response").startsWith("HTTP/1.1 200");
      assertThat(r.bodyText()).isEqualTo(MeshHopTest.sha256(body) + " " + body.length);
    }
  }

  @Test
  void appAnsweringConnectionCloseClosesTheClientConnection() throws Exception {
    try (Client c = new Client()) {
      c.send("GET /close HTTP/1.1\r\nHost: app\r\n\r\n");
      Http1Wire.Message r = c.response("GET");

      assertThat(r.startLine()).startsWith("HTTP/1.1 200");
      assertThat(r.bodyText()).isEqualTo("bye");
      assertThat(r.header("connection")).isEqualToIgnoringCase("close");
      assertThat(r.header("l5d-proxy-connection")).isNull();
      assertThat(c.in.read()).as("the client's connection closes after the response").isEqualTo(-1);
    }
  }

  @Test
  void serverProxySignalsTheAppsConnectionCloseToItsPeer() throws Exception {
    try (MeshClient peer = new MeshClient(pki, TestPki.CLIENT, TestPki.SERVER, pair.b.inboundAddress(), app.address().getPort())) {
      MeshClient.Response r = peer.exchange(new DefaultHttp2Headers().method("GET").path("/close?peer").scheme("http")
          .authority("app").set("l5d-orig-proto", "HTTP/1.1"), null);

      assertThat(r.header(":status")).isEqualTo("200");
      assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("bye");
      assertThat(r.header("l5d-proxy-connection")).isEqualTo("close");
      assertThat(r.header("l5d-orig-proto")).isEqualTo("HTTP/1.1");
      assertThat(r.header("connection")).isNull();
      assertThat(peer.isOpen()).as("the HTTP/2 connection between proxies stays").isTrue();
    }
  }

  @Test
  void responseBeforeTheRequestBodyClosesTheClientConnectionAndTheAppConnectionIsNotReused() throws Exception {
    String earlyConn;
    try (Client c = new Client()) {
      c.send("POST /early HTTP/1.1\r\nHost: app\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(10));
      Http1Wire.Message r = c.response("POST");

      assertThat(r.status()).isEqualTo(413);
      assertThat(r.header("connection")).isEqualToIgnoringCase("close");
      earlyConn = r.header("x-conn");
      assertThat(readToEnd(c)).as("the client connection closes").isTrue();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> app.closed.contains(Integer.parseInt(earlyConn)));
    try (Client c = new Client()) {
      c.send("GET /echo?after-early HTTP/1.1\r\nHost: app\r\n\r\n");
      Http1Wire.Message next = c.response("GET");
      assertThat(next.bodyText()).isEqualTo("GET /echo?after-early HTTP/1.1");
      assertThat(next.header("x-conn")).isNotEqualTo(earlyConn);
    }
  }

  /** Reads whatever is left until the proxy closes; false if it is still open after 10 s. */
  private static boolean readToEnd(Client c) throws IOException {
    try {
      c.in.transferTo(java.io.OutputStream.nullOutputStream());
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset: closed as well
    }
  }

  /** A raw connection to proxy A's outbound listener. */
  static final class Client implements AutoCloseable {
    final Socket socket = new Socket();
    final InputStream in;

    Client() throws IOException {
      socket.connect(pair.entry());
      socket.setSoTimeout(10_000);
      in = new BufferedInputStream(socket.getInputStream());
    }

    void send(String s) throws IOException {
      socket.getOutputStream().write(s.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
    }

    Http1Wire.Message response(String method) throws IOException {
      return Http1Wire.readResponse(in, method);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
