package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.proxy.config.ProxyConfig;
import dev.lattice.proxy.discovery.Endpoint;
import dev.lattice.proxy.identity.StaticCredentialSource;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.TestPki;
import dev.lattice.proxy.transport.OriginalDestination;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mTLS inbound as openssl s_client sees it: a client certificate from this mesh is required. */
class InboundTlsTest {
  @TempDir
  static Path dir;
  static TestPki pki;
  static Proxy proxy;
  static final MetricsRegistry metrics = new MetricsRegistry();

  @BeforeAll
  static void start() {
    pki = new TestPki();
    proxy = Proxy.start(ProxyConfig.parse(Map.of("LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:0",
            "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:0")),
        new ProxyRuntime(new StaticCredentialSource(pki.leaf(TestPki.SERVER)),
            t -> CompletableFuture.completedFuture(Endpoint.unmeshed(t)), OriginalDestination.localAddress(),
            metrics, Clock.systemUTC()));
    pki.writeAnchors(dir.resolve("anchors.pem"));
    for (var entry : Map.of("client", pki.leaf(TestPki.CLIENT), "foreign", pki.foreignLeaf(TestPki.CLIENT)).entrySet()) {
      TestPki.write(dir, entry.getKey(), entry.getValue());
      // s_client sends -cert_chain after the leaf: intermediates only, or the path has the leaf twice.
      dev.lattice.pki.Pem.writeCertificates(dir.resolve(entry.getKey() + ".chain"),
          entry.getValue().chain().subList(1, entry.getValue().chain().size()));
    }
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @Test
  void validClientCertificateCompletesTheHandshakeAndSeesTheServerIdentity() {
    Processes.Result r = sClient("client");

    assertThat(r.out()).contains("Verification: OK");
    assertThat(r.out()).contains("subject=CN = " + TestPki.SERVER.value());
    assertThat(r.out()).contains("New, TLSv1.3");
    assertThat(r.out() + r.err()).doesNotContain("alert");
  }

  @Test
  void missingClientCertificateFailsTheHandshake() {
    double before = handshakeErrors();

    Processes.Result r = sClient(null);

    assertThat(r.out() + r.err()).contains("certificate required");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(handshakeErrors()).isEqualTo(before + 1));
  }

  @Test
  void certificateFromAnotherTrustAnchorFailsTheHandshake() {
    double before = handshakeErrors();

    Processes.Result r = sClient("foreign");

    assertThat(r.out() + r.err()).contains("alert unknown ca");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(handshakeErrors()).isEqualTo(before + 1));
  }

  /** A failed mesh handshake is counted as an inbound connection error of the proxy's ("i/o", as Linkerd). */
  private static double handshakeErrors() {
    return MetricsText.sum(metrics, "inbound_tcp_errors_total",
        Map.of("target_port", Integer.toString(proxy.inboundAddress().getPort()), "error", "i/o"));
  }

  @Test
  void serverNameOtherThanOursIsNotTerminated() {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect",
        "127.0.0.1:" + proxy.inboundAddress().getPort(), "-servername", "someone-else.example.com", "-ign_eof"));
    Processes.Result r = Processes.run(cmd, new byte[0], 30);

    // Passed through as opaque bytes toward the (loop-guarded) target: no server certificate at all.
    assertThat(r.out()).doesNotContain(TestPki.SERVER.value());
  }

  private static Processes.Result sClient(String identity) {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect",
        "127.0.0.1:" + proxy.inboundAddress().getPort(), "-servername", TestPki.SERVER.value(),
        "-CAfile", dir.resolve("anchors.pem").toString(), "-verify_return_error", "-ign_eof", "-showcerts"));
    if (identity != null) {
      // -cert sends one certificate; -cert_chain adds the issuer so the chain reaches the anchor.
      cmd.addAll(List.of("-cert", dir.resolve(identity + ".crt").toString(), "-cert_chain", dir.resolve(identity + ".chain").toString(),
          "-key", dir.resolve(identity + ".key").toString()));
    }
    return Processes.run(cmd, new byte[0], 30);
  }
}
