package dev.lattice.control.identity;

import static dev.lattice.control.testing.TestPki.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lattice.api.identity.CertifyResponse;
import dev.lattice.api.identity.IdentityGrpc;
import dev.lattice.control.events.RecordingEventSink;
import dev.lattice.control.identity.issuer.IssuerFiles;
import dev.lattice.control.identity.token.LocalTokenStore;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.CertificateRequests;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import dev.lattice.pki.TrustBundle;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as a process would run it: real files, real clock, grpc-netty on a loopback port. */
class IdentityServerTest {
  @TempDir Path dir;

  @Test
  void servesCertifyOverARealSocketAndPicksUpANewIssuer() throws Exception {
    Instant now = Instant.now();
    CertificateAuthority root =
        CertificateAuthority.createRoot(CaProfile.root("root.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    CertificateAuthority issuer = root.createIntermediate(
        CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    TrustBundle anchors = TrustBundle.of(root.certificate());
    Path issuerDir = dir.resolve("issuer");
    Pem.writeCertificates(issuerDir.resolve("crt.pem"), issuer.chain());
    Pem.writePrivateKey(issuerDir.resolve("key.pem"), issuer.privateKey());
    Path anchorsFile = dir.resolve("trust-roots/ca-bundle.crt");
    Pem.writeCertificates(anchorsFile, anchors.anchors());
    Path tokenDir = dir.resolve("tokens");
    byte[] token = Files.readAllBytes(LocalTokenStore.open(tokenDir, InstantSource.system()).mint("emojivoto", "web", "web-0"));

    RecordingEventSink events = new RecordingEventSink();
    IdentityServerConfig config = IdentityServerConfig.defaults(new IssuerFiles(issuerDir, anchorsFile), tokenDir)
        .withListenAddress(new InetSocketAddress("127.0.0.1", 0));
    assertThat(IdentityServerConfig.defaults(config.issuer(), tokenDir).listenAddress().getPort()).isEqualTo(8080);

    try (IdentityServer server = IdentityServer.start(config, InstantSource.system(), events)) {
      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(server.address().getPort()).isPositive();
      assertThat(server.issuerCertTtlSeconds()).hasValueSatisfying(ttl ->
          assertThat(ttl).isBetween(Duration.ofHours(8760).toSeconds() - 120, Duration.ofHours(8760).toSeconds()));

      ManagedChannel channel = NettyChannelBuilder.forAddress(server.address()).usePlaintext().build();
      try {
        var stub = IdentityGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        CertifyResponse response = stub.certify(IdentityApiTest.request(
            WEB.value(), token, CertificateRequests.create(WEB, KeyPairs.generateP256())));
        X509Certificate leaf = IdentityApiTest.x509(response.getLeafCertificate());
        X509Certificate signer = IdentityApiTest.x509(response.getIntermediateCertificates(0));
        anchors.verifyIdentity(List.of(leaf, signer), WEB, Instant.now());
        assertThat(signer).isEqualTo(issuer.certificate());

        // Rotate the issuer on disk; the running server takes it without a restart.
        CertificateAuthority next = root.createIntermediate(
            CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), Instant.now());
        Pem.writeCertificates(issuerDir.resolve("crt.pem"), next.chain());
        Pem.writePrivateKey(issuerDir.resolve("key.pem"), next.privateKey());
        await().atMost(Duration.ofSeconds(20)).until(() -> server.issuer().current().orElseThrow()
            .certificate().equals(next.certificate()));
        CertifyResponse after = stub.certify(IdentityApiTest.request(
            WEB.value(), token, CertificateRequests.create(WEB, KeyPairs.generateP256())));
        assertThat(IdentityApiTest.x509(after.getIntermediateCertificates(0))).isEqualTo(next.certificate());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    assertThat(events.withReason(IdentityEvents.ISSUED_LEAF_CERTIFICATE)).hasSize(2);
  }

  @Test
  void refusesToStartWithoutAUsableIssuerAndSaysWhy() {
    Path issuerDir = dir.resolve("issuer");
    Path anchorsFile = dir.resolve("ca-bundle.crt");
    IdentityServerConfig config = IdentityServerConfig.defaults(new IssuerFiles(issuerDir, anchorsFile),
        dir.resolve("tokens")).withListenAddress(new InetSocketAddress("127.0.0.1", 0));

    assertThatThrownBy(() -> IdentityServer.start(config, InstantSource.system(), new RecordingEventSink()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot start the identity service: no issuer in " + issuerDir
            + " (expected crt.pem + key.pem or tls.crt + tls.key)");
  }
}
