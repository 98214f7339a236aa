package dev.lattice.proxy.identity;

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
import dev.lattice.pki.TrustBundle;
import dev.lattice.proxy.env.HostAndPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity flow with no fakes: the proxy's identity client certifies against the control plane's
 * real identity service over a real socket, with a token minted by the local token store, and picks
 * up a rotated issuer on its next refresh without either side restarting.
 */
class RealIdentityServiceTest {
  private static final IdentityName WEB =
      IdentityName.forServiceAccount("web", "emojivoto", "linkerd", "cluster.local");

  @TempDir Path dir;

  @Test
  void proxyCertifiesAgainstTheRealServiceAndFollowsAnIssuerRotation() throws Exception {
    Instant now = Instant.now();
    CertificateAuthority anchor =
        CertificateAuthority.createRoot(CaProfile.root("root.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    CertificateAuthority firstIssuer = newIssuer(anchor, now);
    Path issuerDir = Files.createDirectories(dir.resolve("issuer"));
    Path anchors = dir.resolve("ca-bundle.crt");
    Pem.writeCertificates(anchors, List.of(anchor.certificate()));
    writeIssuer(issuerDir, firstIssuer);

    LocalTokenStore tokens = LocalTokenStore.open(dir.resolve("tokens"), InstantSource.system());
    Path token = tokens.mint("emojivoto", "web", "web-0");

    // Short leaves so the client's 70% refresh comes within the test: 3s lifetime, no skew.
    IdentityServerConfig config = IdentityServerConfig.defaults(new IssuerFiles(issuerDir, anchors), tokens.directory())
        .withListenAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .withIdentity(dev.lattice.control.identity.IdentityConfig.defaults()
            .withIssuanceLifetime(Duration.ofSeconds(3)).withClockSkewAllowance(Duration.ZERO))
        .withIssuerPollInterval(Duration.ofMillis(200));
    RecordingEventSink events = new RecordingEventSink();
    try (IdentityServer server = IdentityServer.start(config, InstantSource.system(), events)) {
      IdentityConfig clientConfig = new IdentityConfig(WEB, TrustBundle.of(anchor.certificate()), token,
          new HostAndPort("127.0.0.1", server.address().getPort()), Optional.empty(),
          Duration.ZERO, Duration.ofHours(24));
      try (IdentityClient client = IdentityClient.builder(clientConfig).build()) {
        client.start();
        Credentials first = client.certified().get();

        TrustBundle.of(anchor.certificate()).verifyIdentity(first.chain(), WEB, Instant.now());
        assertThat(first.chain().get(1)).isEqualTo(firstIssuer.certificate());
        assertThat(events.withReason("IssuedLeafCertificate")).isNotEmpty();

        CertificateAuthority secondIssuer = newIssuer(anchor, Instant.now());
        writeIssuer(issuerDir, secondIssuer);
        await().atMost(Duration.ofSeconds(20))
            .until(() -> !events.withReason("IssuerUpdated").isEmpty());

        // The next refresh (at ~70% of 3s) is signed by the new issuer, with no restart on either side.
        await().atMost(Duration.ofSeconds(20)).until(() -> client.current()
            .map(c -> c.chain().get(1).equals(secondIssuer.certificate())).orElse(false));
        Credentials rotated = client.current().orElseThrow();
        TrustBundle.of(anchor.certificate()).verifyIdentity(rotated.chain(), WEB, Instant.now());
        assertThat(rotated.leaf().getPublicKey()).isEqualTo(first.leaf().getPublicKey());
      }
    }
  }

  private static CertificateAuthority newIssuer(CertificateAuthority anchor, Instant now) {
    return anchor.createIntermediate(CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), now);
  }

  private static void writeIssuer(Path issuerDir, CertificateAuthority issuer) throws Exception {
    // Write beside, then rename over: the reader never sees a half-written pair.
    Path staging = Files.createTempDirectory(issuerDir.getParent(), "staging");
    Pem.writeCertificates(staging.resolve(IssuerFiles.LINKERD_CERT), List.of(issuer.certificate()));
    Pem.writePrivateKey(staging.resolve(IssuerFiles.LINKERD_KEY), issuer.privateKey());
    Files.move(staging.resolve(IssuerFiles.LINKERD_KEY), issuerDir.resolve(IssuerFiles.LINKERD_KEY),
        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(staging.resolve(IssuerFiles.LINKERD_CERT), issuerDir.resolve(IssuerFiles.LINKERD_CERT),
        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
