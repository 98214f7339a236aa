package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.proxy.testing.MeshClient;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ProxyPair;
import dev.lattice.proxy.testing.ScriptedH2App;
import dev.lattice.proxy.testing.TestPki;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An h2c application that refuses a stream unprocessed (RST_STREAM REFUSED_STREAM, or GOAWAY whose
 * last-stream-id is below it): proxy B sends a body-less request once more and the client never
 * notices; a request with a body is not resent (its body is gone) and fails with 502. Real curl
 * over HTTP/2 through the real pair (A → mTLS HTTP/2 → B → h2c app).
 */
class RefusedStreamResendTest {
  static TestPki pki;
  static ScriptedH2App app;
  static ProxyPair pair;

  @BeforeAll
  static void start() {
    assumeTrue(Processes.available("curl"), "curl is not installed");
    pki = new TestPki();
    app = new ScriptedH2App();
    pair = ProxyPair.to(pki, app.address());
  }

  @AfterAll
  static void stop() {
    if (pair != null) {
      pair.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void bodylessRequestRefusedWithRefusedStreamIsResentAndSucceeds() {
    Processes.Result r = curlH2("-D", "-", pair.entryUrl("/refuse-once"));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("HTTP/2 200").endsWith("ok");
    assertThat(app.heads("/refuse-once")).as("the app saw the refused request and its resend").isEqualTo(2);
    assertThat(MetricsText.sum(pair.metricsB, "response_total", Map.of("direction", "inbound", "status_code", "200")))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void bodylessRequestAboveGoAwayIsResentOnAFreshConnection() {
    int connectionsBefore = app.connections.get();

    Processes.Result r = curlH2("-D", "-", pair.entryUrl("/goaway-once"));

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("HTTP/2 200").endsWith("ok");
    assertThat(app.heads("/goaway-once")).isEqualTo(2);
    assertThat(app.connections.get()).as("the resend needs a new connection").isGreaterThan(connectionsBefore);
    // And the connection that replaced it keeps serving.
    assertThat(curlH2(pair.entryUrl("/plain")).out()).isEqualTo("ok");
  }

  @Test
  void requestWithBodyRefusedIsNotResentAndFailsWith502() {
    int before = app.heads("/refuse-always");
    double failedBefore = MetricsText.sum(pair.metricsB, "response_total", Map.of("direction", "inbound",
        "status_code", "502", "classification", "failure", "client_id", TestPki.CLIENT.value()));

    Processes.Result r = curlH2("-D", "-", "--data-binary", "payload", pair.entryUrl("/refuse-always"));

    assertThat(r.out()).startsWith("HTTP/2 502");
    // B explained the failure to A (a meshed peer); A keeps a peer's explanation from its app.
    assertThat(r.out()).doesNotContainIgnoringCase("l5d-proxy-error");
    assertThat(app.heads("/refuse-always")).as("a request whose body was sent is never resent").isEqualTo(before + 1);
    assertThat(MetricsText.sum(pair.metricsB, "response_total", Map.of("direction", "inbound",
        "status_code", "502", "classification", "failure", "client_id", TestPki.CLIENT.value())))
        .isEqualTo(failedBefore + 1);
    assertThat(MetricsText.sum(pair.metricsA, "response_total", Map.of("direction", "outbound", "status_code", "502")))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void meshedClientOfTheServerProxyHearsWhyTheRefusedUploadFailed() throws Exception {
    int before = app.heads("/refuse-always");
    try (MeshClient peer = new MeshClient(pki, TestPki.CLIENT, TestPki.SERVER, pair.b.inboundAddress(), app.address().getPort())) {
      MeshClient.Response r = peer.exchange(new DefaultHttp2Headers().method("POST").path("/refuse-always")
          .scheme("http").authority("app"), "payload".getBytes(StandardCharsets.US_ASCII));

      assertThat(r.header(":status")).isEqualTo("502");
      assertThat(r.header("l5d-proxy-error")).isNotBlank();
      assertThat(app.heads("/refuse-always")).isEqualTo(before + 1);

      // The same peer's body-less request to a refusing app is resent and succeeds.
      MeshClient.Response again = peer.exchange(new DefaultHttp2Headers().method("GET").path("/refuse-once?peer")
          .scheme("http").authority("app"), null);
      assertThat(again.header(":status")).isEqualTo("200");
    }
  }

  private static Processes.Result curlH2(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--http2-prior-knowledge"));
    cmd.addAll(List.of(args));
    return Processes.run(cmd, null, 30);
  }
}
