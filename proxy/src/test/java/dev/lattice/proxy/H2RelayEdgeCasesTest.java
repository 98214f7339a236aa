package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.proxy.testing.MeshClient;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.ScriptedH2App;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.testing.TestPki;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 from the application's side of proxy A, through the pair to an h2c app: stream resets,
 * header-only and trailer-only answers, and many concurrent streams on one connection.
 */
class H2RelayEdgeCasesTest {
  @TempDir
  static Path dir;
  static TestPki pki;
  static TestApp app;
  static ScriptedH2App scripted;
  static ProxyPair pair;

  @BeforeAll
  static void start() {
    pki = new TestPki();
    app = new TestApp();
    scripted = new ScriptedH2App();
    pair = new ProxyPair(pki);
    pair.meshed(app.address(), false);
    pair.meshed(scripted.address(), false);
  }

  @AfterAll
  static void stop() {
    pair.close();
    app.close();
    scripted.close();
  }

  @Test
  void clientResetMidResponseCancelsTheUpstreamStreamAndLeaksNothing() throws Exception {
    pair.target.set(app.address());
    try (MeshClient client = new MeshClient(pair.entry())) {
      int id = client.start(get("/bytes?n=" + (4L << 30))); // 4 GiB: it never finishes on its own
      await().atMost(Duration.ofSeconds(10)).until(() -> client.received() > 512 * 1024);
      assertThat(app.openH2Streams.get()).isEqualTo(1);

      client.cancel(id);

      // B's stream to the app is reset too: the app stops producing.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.openH2Streams.get()).isZero());
      long after = client.received();
      // The shared connections still work.
      MeshClient.Response r = client.exchange(get("/hello"), null);
      assertThat(r.header(":status")).isEqualTo("200");
      assertThat(client.received()).as("nothing more of the cancelled stream arrives").isLessThan(after + (4 << 20));
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(MetricsText.sum(pair.metricsA, "tcp_open_connections", Map.of("direction", "outbound", "peer", "src")))
          .isZero();
      assertThat(app.openH2Streams.get()).isZero();
    });
  }

  @Test
  void grpcTrailersOnlyResponseCrossesAsOneHeadersFrame() throws Exception {
    pair.target.set(scripted.address());
    double before = MetricsText.sum(pair.metricsA, "response_total", Map.of("direction", "outbound", "grpc_status", "5"));
    try (MeshClient client = new MeshClient(pair.entry())) {
      MeshClient.Response r = client.exchange(get("/trailers-only").set("content-type", "application/grpc"), null);

      assertThat(r.header(":status")).isEqualTo("200");
      assertThat(r.header("grpc-status")).isEqualTo("5");
      assertThat(r.header("grpc-message")).isEqualTo("not here");
      assertThat(r.trailers()).as("ended in its first HEADERS frame").isNull();
      assertThat(r.body()).isEmpty();
    }
    assertThat(MetricsText.sum(pair.metricsA, "response_total", Map.of("direction", "outbound", "grpc_status", "5",
        "classification", "failure"))).isEqualTo(before + 1);
  }

  @Test
  void responseTrailersWithoutABodyReachTheClient() throws Exception {
    pair.target.set(scripted.address());
    try (MeshClient client = new MeshClient(pair.entry())) {
      MeshClient.Response r = client.exchange(get("/trailers-no-body").set("content-type", "application/grpc"), null);

      assertThat(r.header(":status")).isEqualTo("200");
      assertThat(r.body()).isEmpty();
      assertThat(r.trailers()).isNotNull();
      assertThat(r.trailers().get("grpc-status")).hasToString("0");
      assertThat(r.trailers().get("x-trailer")).hasToString("only");
    }
  }

  @Test
  void hundredConcurrentStreamsOnOneConnectionCompleteWithoutErrors() throws Exception {
    assumeTrue(Processes.available("h2load"), "h2load not installed");
    pair.target.set(app.address());
    Path body = dir.resolve("body.bin");
    Files.write(body, new byte[20_000]);

    Processes.Result gets = Processes.run(List.of("h2load", "-n", "3000", "-c", "1", "-m", "100",
        pair.entryUrl("/hello")), null, 120);
    Processes.Result posts = Processes.run(List.of("h2load", "-n", "1000", "-c", "1", "-m", "100",
        "-d", body.toString(), pair.entryUrl("/digest")), null, 120);

    assertThat(gets.out()).as(gets.out()).contains("3000 succeeded, 0 failed, 0 errored", "3000 2xx");
    assertThat(posts.out()).as(posts.out()).contains("1000 succeeded, 0 failed, 0 errored", "1000 2xx");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.openH2Streams.get()).isZero());
  }

  private static DefaultHttp2Headers get(String path) {
    DefaultHttp2Headers h = new DefaultHttp2Headers();
    h.method("GET").path(path).scheme("http").authority("app");
    return h;
  }
}
