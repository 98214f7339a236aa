package dev.lattice.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.control.events.RecordingEventSink;
import dev.lattice.control.identity.IdentityServer;
import dev.lattice.control.identity.IdentityServerConfig;
import dev.lattice.control.identity.issuer.IssuerFiles;
import dev.lattice.control.identity.token.LocalTokenStore;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.TestApp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@link ProxyMain} processes configured only by Linkerd's identity variables, against the
 * control plane's real identity service. They start before the service does: they must bind, report
 * not ready and serve nothing; once the service comes up they certify, {@code /ready} turns 200 and
 * a request crosses the hop on the issued certificates, authorized by the start-time default policy.
 */
class ProxyMainIdentityTest {
  private static final IdentityName WEB = IdentityName.forServiceAccount("web", "shop", "linkerd", "cluster.local");
  private static final IdentityName FRONTEND =
      IdentityName.forServiceAccount("frontend", "shop", "linkerd", "cluster.local");

  @TempDir Path dir;

  @Test
  void listenersServeOnlyOnceCertifiedAndTheHopUsesIssuedCertificates() throws Exception {
    Instant now = Instant.now();
    CertificateAuthority anchor =
        CertificateAuthority.createRoot(CaProfile.root("root.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    CertificateAuthority issuer =
        anchor.createIntermediate(CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    Path issuerDir = Files.createDirectories(dir.resolve("issuer"));
    Path anchors = dir.resolve("ca-bundle.crt");
    Pem.writeCertificates(anchors, List.of(anchor.certificate()));
    Pem.writeCertificates(issuerDir.resolve(IssuerFiles.LINKERD_CERT), List.of(issuer.certificate()));
    Pem.writePrivateKey(issuerDir.resolve(IssuerFiles.LINKERD_KEY), issuer.privateKey());
    LocalTokenStore tokens = LocalTokenStore.open(dir.resolve("tokens"), InstantSource.system());
    int identityPort = TestApp.freePort();

    try (TestApp app = new TestApp()) {
      int bPort = TestApp.freePort();
      int entryPort = TestApp.freePort();
      int adminA = TestApp.freePort();
      int adminB = TestApp.freePort();
      Files.writeString(dir.resolve("discovery.txt"), "127.0.0.1:" + app.port() + " identity=" + WEB
          + " proxy=127.0.0.1:" + bPort + "\n");
      Map<String, String> identityEnv = Map.of(
          "LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS", Files.readString(anchors),
          "LINKERD2_PROXY_IDENTITY_SVC_ADDR", "127.0.0.1:" + identityPort,
          "LINKERD2_PROXY_IDENTITY_MIN_REFRESH", "200ms");
      Map<String, String> b = new HashMap<>(identityEnv);
      b.putAll(Map.of(
          "LINKERD2_PROXY_IDENTITY_LOCAL_NAME", WEB.value(),
          "LINKERD2_PROXY_IDENTITY_TOKEN_FILE", tokens.mint("shop", "web", "web-0").toString(),
          "LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:" + bPort,
          "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:0",
          "LINKERD2_PROXY_ADMIN_LISTEN_ADDR", "127.0.0.1:" + adminB,
          "LINKERD2_PROXY_INBOUND_DEFAULT_POLICY", "all-authenticated",
          "LINKERD2_PROXY_POLICY_CLUSTER_NETWORKS", "10.0.0.0/8"));
      Map<String, String> a = new HashMap<>(identityEnv);
      a.putAll(Map.of(
          "LINKERD2_PROXY_IDENTITY_LOCAL_NAME", FRONTEND.value(),
          "LINKERD2_PROXY_IDENTITY_TOKEN_FILE", tokens.mint("shop", "frontend", "frontend-0").toString(),
          "LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:0",
          "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:" + entryPort,
          "LINKERD2_PROXY_ADMIN_LISTEN_ADDR", "127.0.0.1:" + adminA,
          "LATTICE_PROXY_STATIC_ORIG_DST", entryPort + "=127.0.0.1:" + app.port(),
          "LATTICE_PROXY_DISCOVERY_FILE", dir.resolve("discovery.txt").toString()));

      ProxyMainTest.Proc procB = ProxyMainTest.Proc.start(b);
      // Proxy A's class loading is logged: a certified proxy must not have loaded BouncyCastle,
      // whose signed jar keeps megabytes of verification data in a sidecar-sized heap.
      Path classLog = dir.resolve("proxy-a-classes.log");
      ProxyMainTest.Proc procA = ProxyMainTest.Proc.start(a, List.of("-Xlog:class+load=info:file=" + classLog));
      try {
        // No identity service yet: both report not ready, and the outbound accepts nothing.
        assertThat(status(adminA, "/ready")).isEqualTo("503");
        assertThat(status(adminB, "/ready")).isEqualTo("503");
        assertThat(status(adminA, "/live")).isEqualTo("200");
        Processes.Result early = Processes.run("curl", "-sS", "--max-time", "2", "-o", "/dev/null", "-w", "%{http_code}",
            "http://127.0.0.1:" + entryPort + "/hello");
        assertThat(early.out()).as("no response before certification").isEqualTo("000");
        assertThat(app.requests.get()).isZero();

        IdentityServerConfig config = IdentityServerConfig.defaults(new IssuerFiles(issuerDir, anchors), tokens.directory())
            .withListenAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), identityPort));
        try (IdentityServer server = IdentityServer.start(config, InstantSource.system(), new RecordingEventSink())) {
          await().atMost(Duration.ofSeconds(30)).until(() -> status(adminA, "/ready").equals("200")
              && status(adminB, "/ready").equals("200"));
          await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
              assertThat(procA.lines()).anyMatch(l -> l.startsWith("certified as " + FRONTEND.value())));

          Processes.Result hop = Processes.run("curl", "-sS", "--max-time", "20", "http://127.0.0.1:" + entryPort + "/hello");
          assertThat(hop.out()).as(hop.err()).isEqualTo("hello");

          String metricsB = Processes.run("curl", "-sS", "http://127.0.0.1:" + adminB + "/metrics").out();
          assertThat(metricsB).containsPattern("inbound_http_authz_allow_total\\{[^}]*srv_kind=\"default\","
              + "srv_name=\"all-authenticated\"[^}]*authz_name=\"all-authenticated\"[^}]*client_id=\""
              + FRONTEND.value().replace(".", "\\.") + "\"[^}]*} 1");
          assertThat(metricsB).contains("process_start_time_seconds");
          // The Certify calls to the identity service count as control-plane requests, OK once it answered.
          assertThat(metricsB).containsPattern("control_response_total\\{addr=\"127\\.0\\.0\\.1:" + identityPort
              + "\",tls=\"disabled\",status_code=\"200\",classification=\"success\",grpc_status=\"0\",error=\"\"} [1-9]");

          String loaded = Files.readString(classLog);
          assertThat(loaded).as("the log covers building the CSR and reading PEM")
              .contains("dev.lattice.pki.CertificateRequests ").contains("dev.lattice.pki.Pem ");
          assertThat(loaded).as("BouncyCastle classes loaded by a certified proxy").doesNotContain("org.bouncycastle");
        }
      } finally {
        procA.process().destroyForcibly();
        procB.process().destroyForcibly();
      }
    }
  }

  private static String status(int adminPort, String path) {
    return Processes.run("curl", "-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}",
        "http://127.0.0.1:" + adminPort + path).out();
  }

}
