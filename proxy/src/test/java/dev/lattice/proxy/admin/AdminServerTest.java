package dev.lattice.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.metrics.PrometheusText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin server on a real loopback socket, driven by java.net.http and raw sockets. */
class AdminServerTest {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicInteger shutdowns = new AtomicInteger();
  private AdminServer server;
  private InetSocketAddress address;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    http.close();
  }

  @Test
  void liveAlwaysAndReadyOnlyWhenReady() throws Exception {
    start(false);
    assertResponse(get("/live"), 200, "live\n");
    assertResponse(get("/ready"), 503, "not ready\n");
    ready.set(true);
    assertResponse(get("/ready"), 200, "ready\n");
    // Any method: kubelet probes use GET, but Linkerd does not restrict them.
    assertResponse(send("POST", "/ready"), 200, "ready\n");
  }

  @Test
  void metricsArePrometheusTextAndGzippedOnRequest() throws Exception {
    metrics.counter("request_total", "Total requests").labels("direction", "inbound").add(3);
    start(false);

    HttpResponse<byte[]> plain = get("/metrics");
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("content-type")).contains("text/plain; version=0.0.4");
    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    String text = new String(plain.body(), StandardCharsets.UTF_8);
    assertThat(PrometheusText.parse(text).value("request_total", "direction", "inbound")).hasValue(3);

    HttpResponse<byte[]> zipped = http.send(request("/metrics").header("Accept-Encoding", "gzip").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(zipped.statusCode()).isEqualTo(200);
    assertThat(zipped.headers().firstValue("content-encoding")).contains("gzip");
    assertThat(gunzip(zipped.body())).isEqualTo(text);
    assertThat(zipped.body().length).isNotEqualTo(plain.body().length);

    HttpResponse<byte[]> refused = http.send(request("/metrics").header("Accept-Encoding", "gzip;q=0, identity").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(refused.headers().firstValue("content-encoding")).isEmpty();
  }

  @Test
  void metricsAreRenderedAtScrapeTime() throws Exception {
    AtomicInteger value = new AtomicInteger(1);
    metrics.gauge("computed", "A computed gauge", Labels.EMPTY, value::get);
    start(false);
    assertThat(PrometheusText.parse(body(get("/metrics"))).value("computed")).hasValue(1);
    value.set(7);
    assertThat(PrometheusText.parse(body(get("/metrics"))).value("computed")).hasValue(7);
  }

  @Test
  void unknownPathsAre404WithAnEmptyBody() throws Exception {
    start(true);
    for (String path : new String[] {"/", "/metricsx", "/ready/", "/proxy-log-level/", "/../etc/passwd"}) {
      HttpResponse<byte[]> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).isEmpty();
    }
  }

  @Test
  void shutdownIsNotFoundUnlessEnabled() throws Exception {
    start(false);
    assertResponse(send("POST", "/shutdown"), 404, "shutdown endpoint is not enabled\n");
    assertThat(shutdowns.get()).isZero();
  }

  @Test
  void shutdownTakesOnlyPost() throws Exception {
    start(true);
    HttpResponse<byte[]> get = get("/shutdown");
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).contains("POST");
    assertThat(send("PUT", "/shutdown").statusCode()).isEqualTo(405);
    assertThat(shutdowns.get()).isZero();
  }

  @Test
  void shutdownFromLoopbackCallsTheCallback() throws Exception {
    start(true);
    assertResponse(send("POST", "/shutdown"), 200, "shutdown\n");
    await().until(() -> shutdowns.get() == 1);
  }

  @Test
  void theShutdownCallbackMayCloseTheServer() throws Exception {
    start(true);
    AtomicBoolean closed = new AtomicBoolean();
    server.close();
    server = AdminServer.builder(new AdminConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), true))
        .onShutdown(() -> {
          server.close();
          closed.set(true);
        })
        .build();
    address = server.start();
    assertResponse(send("POST", "/shutdown"), 200, "shutdown\n");
    await().untilTrue(closed);
    assertThatThrownBy(() -> get("/live")).isInstanceOf(IOException.class);
  }

  @Test
  void envJsonShowsTheEnvironment() throws Exception {
    start(false);
    HttpResponse<byte[]> all = get("/env.json");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.headers().firstValue("content-type")).contains("application/json");
    assertThat(body(all)).isEqualTo("{\"LINKERD2_PROXY_LOG\":\"warn,linkerd=info\",\"QUOTE\":\"a\\\"b\"}\n");

    assertResponse(get("/env.json?LINKERD2_PROXY_LOG&MISSING"), 200,
        "{\"LINKERD2_PROXY_LOG\":\"warn,linkerd=info\",\"MISSING\":null}\n");
    HttpResponse<byte[]> bad = get("/env.json?LINKERD2_PROXY_LOG=x");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(body(bad)).contains("\"status\":400", "\"error\":");
    assertThat(send("POST", "/env.json").statusCode()).isEqualTo(405);
    HttpResponse<byte[]> html = http.send(request("/env.json").header("Accept", "text/html").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(html.statusCode()).isEqualTo(406);
  }

  @Test
  void malformedRequestsGet400AndTheServerCarriesOn() throws Exception {
    start(false);
    assertThat(raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(raw("GET / HTTP/1.1\r\nHost: x\r\n" + "X-Big: " + "a".repeat(20_000) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 400");
    assertThat(raw("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(raw("GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200").endsWith("live\n");
    assertResponse(get("/live"), 200, "live\n");
  }

  @Test
  void oversizedBodiesAreRefused() throws Exception {
    start(true);
    HttpResponse<byte[]> response = http.send(request("/shutdown")
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[AdminServer.MAX_REQUEST_BYTES + 1])).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(shutdowns.get()).isZero();
  }

  @Test
  void keepsConnectionsAliveAcrossRequests() throws Exception {
    start(false);
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /live HTTP/1.1\r\nHost: x\r\n\r\nGET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String both = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(both).contains("HTTP/1.1 200 OK", "live\n", "HTTP/1.1 503 Service Unavailable", "not ready\n");
    }
  }

  @Test
  void closingHangsUpOpenConnections() throws Exception {
    start(false);
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] response = new byte[256];
      assertThat(new String(response, 0, in.read(response), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
      // The connection is kept alive and idle; closing the server must end it, not strand it.
      server.close();
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void aTakenPortIsAClearError() {
    start(false);
    AdminServer second = AdminServer.builder(new AdminConfig(address, false)).build();
    assertThatThrownBy(second::start)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot listen on " + address);
    second.close();
  }

  private void start(boolean shutdownEnabled) {
    server = AdminServer.builder(new AdminConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), shutdownEnabled))
        .metrics(metrics)
        .readiness(ready::get)
        .onShutdown(shutdowns::incrementAndGet)
        .env(Map.of("LINKERD2_PROXY_LOG", "warn,linkerd=info", "QUOTE", "a\"b"))
        .build();
    address = server.start();
    assertThat(address.getPort()).isPositive();
  }

  private HttpRequest.Builder request(String path) {
    // A timeout so that a server which stops answering fails the test instead of hanging it.
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
        .timeout(Duration.ofSeconds(10));
  }

  private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return http.send(request(path).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> send(String method, String path) throws IOException, InterruptedException {
    return http.send(request(path).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Writes raw bytes, returns all the server sends until it closes. */
  private String raw(String bytes) throws IOException {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static void assertResponse(HttpResponse<byte[]> response, int status, String body) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(body(response)).isEqualTo(body);
  }

  private static String body(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static String gunzip(byte[] bytes) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
