package dev.lattice.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
  private static final IdentityName WEB =
      IdentityName.forServiceAccount("web", "emojivoto", "linkerd", "cluster.local");

  private final CertificateAuthority root =
      CertificateAuthority.createRoot(CaProfile.root("root.linkerd.cluster.local"), KeyPairs.generateP256(), NOW);
  private final CertificateAuthority issuer =
      root.createIntermediate(CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), NOW);
  private final TrustBundle anchors = TrustBundle.of(root.certificate());

  @Test
  void leafIssuedFromCsrVerifiesWithPkixAndCarriesExactlyTheIdentity() {
    KeyPair workload = KeyPairs.generateP256();
    CertificateRequest csr = CertificateRequests.parse(CertificateRequests.create(WEB, workload));
    assertThat(csr.problemNaming(WEB)).isNull();

    IssuedCertificate leaf = issuer.issueLeaf(WEB, csr.publicKey(), NOW, Duration.ofHours(24), Duration.ofSeconds(20));

    anchors.verifyIdentity(leaf.chain(), WEB, NOW.plus(Duration.ofHours(1)));
    assertThat(Certificates.describeSubjectAlternativeNames(leaf.leaf())).containsExactly("DNS:" + WEB);
    assertThat(leaf.leaf().getNotBefore().toInstant()).isEqualTo(NOW.minusSeconds(20));
    assertThat(leaf.notAfter()).isEqualTo(NOW.plus(Duration.ofHours(24)).plusSeconds(20));
    assertThat(leaf.leaf().getPublicKey()).isEqualTo(workload.getPublic());
    assertThat(leaf.intermediates()).containsExactly(issuer.certificate());
  }

  @Test
  void identityLongerThan64CharactersGetsALeafThatOpensslVerifies(@TempDir Path dir) throws Exception {
    // Valid identity names reach 253 characters; RFC 5280's 64-character CN bound must not stop them.
    IdentityName longName =
        IdentityName.forServiceAccount("s".repeat(63), "n".repeat(63), "linkerd", "c".repeat(63) + ".local");
    KeyPair workload = KeyPairs.generateP256();
    CertificateRequest csr = CertificateRequests.parse(CertificateRequests.create(longName, workload));
    assertThat(csr.problemNaming(longName)).isNull();
    Instant now = Instant.now();

    IssuedCertificate leaf = issuer.issueLeaf(longName, csr.publicKey(), now, Duration.ofHours(1), Duration.ZERO);

    anchors.verifyIdentity(leaf.chain(), longName, now);
    assertThat(leaf.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=" + longName);
    Pem.writeCertificates(dir.resolve("ca.crt"), anchors.anchors());
    Pem.writeCertificates(dir.resolve("leaf.crt"), leaf.chain());
    Process openssl = new ProcessBuilder("openssl", "verify", "-CAfile", dir.resolve("ca.crt").toString(),
            "-untrusted", dir.resolve("leaf.crt").toString(), dir.resolve("leaf.crt").toString())
        .redirectErrorStream(true).start();
    assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(openssl.getInputStream().readAllBytes());
    assertThat(output).contains("leaf.crt: OK");
  }

  @Test
  void caAndLeafSubjectsAreOneUtf8Cn() throws Exception {
    IssuedCertificate leaf =
        issuer.issueLeaf(WEB, KeyPairs.generateP256().getPublic(), NOW, Duration.ofHours(24), Duration.ZERO);

    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String } } }, as the "CN=..." parser made it.
    for (var certificate : List.of(root.certificate(), issuer.certificate(), leaf.leaf())) {
      byte[] subject = certificate.getSubjectX500Principal().getEncoded();
      String cn = certificate.getSubjectX500Principal().getName().substring("CN=".length());
      assertThat(subject).isEqualTo(Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8String(cn)))));
    }
  }

  @Test
  void leafFromAnotherAnchorIsRejected() {
    CertificateAuthority otherRoot =
        CertificateAuthority.createRoot(CaProfile.root("other"), KeyPairs.generateP256(), NOW);
    IssuedCertificate leaf =
        otherRoot.issueLeaf(WEB, KeyPairs.generateP256().getPublic(), NOW, Duration.ofHours(24), Duration.ZERO);

    assertThatThrownBy(() -> anchors.verify(leaf.chain(), NOW))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("does not verify against the trust anchors");
  }

  @Test
  void leafLifetimeIsClampedToTheIssuersExpiry() {
    CertificateAuthority shortIssuer = root.createIntermediate(
        CaProfile.issuer("short").withLifetime(Duration.ofHours(2)), KeyPairs.generateP256(), NOW);

    IssuedCertificate leaf =
        shortIssuer.issueLeaf(WEB, KeyPairs.generateP256().getPublic(), NOW, Duration.ofHours(24), Duration.ZERO);

    assertThat(leaf.notAfter()).isEqualTo(shortIssuer.certificate().getNotAfter().toInstant());
  }

  @Test
  void csrNamingAnotherIdentityIsAProblem() {
    IdentityName other = IdentityName.forServiceAccount("emoji", "emojivoto", "linkerd", "cluster.local");
    CertificateRequest csr = CertificateRequests.parse(CertificateRequests.create(other, KeyPairs.generateP256()));

    assertThat(csr.problemNaming(WEB)).startsWith("CSR name does not match requested identity");
  }

  @Test
  void garbageCsrIsMalformed() {
    assertThatThrownBy(() -> CertificateRequests.parse(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("malformed certificate signing request");
  }

  @Test
  void issuerWithForeignKeyIsRefused() {
    assertThatThrownBy(() -> IssuerCredentials.validate(
            List.of(issuer.certificate()), KeyPairs.generateP256().getPrivate(), anchors, NOW))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("does not belong");
  }

  @Test
  void pemRoundTripAndOpensslVerifiesTheChain(@TempDir Path dir) throws Exception {
    IssuedCertificate leaf =
        issuer.issueLeaf(WEB, KeyPairs.generateP256().getPublic(), Instant.now(), Duration.ofHours(24), Duration.ZERO);
    Pem.writeCertificates(dir.resolve("ca.crt"), anchors.anchors());
    Pem.writeCertificates(dir.resolve("issuer.crt"), List.of(issuer.certificate()));
    Pem.writeCertificates(dir.resolve("leaf.crt"), List.of(leaf.leaf()));
    Pem.writePrivateKey(dir.resolve("issuer.key"), issuer.privateKey());

    assertThat(Pem.readPrivateKey(dir.resolve("issuer.key"))).isEqualTo(issuer.privateKey());
    assertThat(Files.getPosixFilePermissions(dir.resolve("issuer.key")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");

    Process openssl = new ProcessBuilder("openssl", "verify", "-CAfile", dir.resolve("ca.crt").toString(),
            "-untrusted", dir.resolve("issuer.crt").toString(), dir.resolve("leaf.crt").toString())
        .redirectErrorStream(true).start();
    assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(openssl.getInputStream().readAllBytes());
    assertThat(openssl.exitValue()).as(output).isZero();
    assertThat(output).contains("leaf.crt: OK");
  }
  @Test
  void oneCaSignsConcurrentlyWithoutCorruptingSignatures() throws Exception {
    // The identity service signs from many gRPC threads with one CertificateAuthority.
    int threads = 4;
    int perThread = 100;
    var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<List<IssuedCertificate>>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          List<IssuedCertificate> leaves = new java.util.ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            leaves.add(issuer.issueLeaf(
                WEB, KeyPairs.generateP256().getPublic(), NOW, Duration.ofHours(24), Duration.ZERO));
          }
          return leaves;
        }));
      }
      int verified = 0;
      for (var future : futures) {
        for (IssuedCertificate leaf : future.get(60, TimeUnit.SECONDS)) {
          anchors.verifyIdentity(leaf.chain(), WEB, NOW);
          verified++;
        }
      }
      assertThat(verified).isEqualTo(threads * perThread);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void csrSignedByAnotherKeyIsRefused() throws Exception {
    KeyPair claimed = KeyPairs.generateP256();
    byte[] forged = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
            new org.bouncycastle.asn1.x500.X500Name("CN=" + WEB), claimed.getPublic())
        .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
            .build(KeyPairs.generateP256().getPrivate()))
        .getEncoded();

    assertThatThrownBy(() -> CertificateRequests.parse(forged))
        .isInstanceOf(PkiException.class)
        .hasMessage("certificate signing request signature does not verify with its own key");
    assertThat(CertificateRequests.parse(CertificateRequests.create(WEB, claimed)).publicKey())
        .isEqualTo(claimed.getPublic());
  }
}
