package dev.lattice.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy's uses of this module (read PEM chain/key/anchors, build a CSR) must not load one
 * BouncyCastle class: bcprov is a signed jar, and its first class load pins the jar's manifest in the
 * heap. Checked in a child JVM that has BouncyCastle on its class path, logging every class load.
 */
class ProxySideLoadsNoBouncyCastleTest {
  private static final IdentityName WEB =
      IdentityName.forServiceAccount("web", "emojivoto", "linkerd", "cluster.local");

  @TempDir Path dir;
  private final List<String> keyFiles = new ArrayList<>();

  @BeforeEach
  void writeCredentials() throws Exception {
    Instant now = Instant.now();
    CertificateAuthority root =
        CertificateAuthority.createRoot(CaProfile.root("root.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    CertificateAuthority issuer =
        root.createIntermediate(CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), now);
    var leaf = issuer.issueLeaf(WEB, KeyPairs.generateP256().getPublic(), now, Duration.ofHours(1), Duration.ofSeconds(20));
    Pem.writeCertificates(dir.resolve("chain.crt"), leaf.chain());
    Pem.writeCertificates(dir.resolve("anchors.crt"), List.of(root.certificate()));
    Pem.writePrivateKey(dir.resolve("pkcs8.key"), KeyPairs.generateP256().getPrivate());
    Commands.ok(dir, "openssl", "ecparam", "-genkey", "-name", "prime256v1", "-out", "sec1.key");
    keyFiles.addAll(List.of("pkcs8.key", "sec1.key"));
  }

  @Test
  void readingPemAndBuildingACsrLoadsNoBouncyCastleClass() {
    String classes = runChild("--proxy-only", "proxy-classes.log");

    assertThat(classes).contains("dev.lattice.pki.Pem ", "dev.lattice.pki.PemBlocks ",
        "dev.lattice.pki.PrivateKeys ", "dev.lattice.pki.CertificateRequests ", "dev.lattice.pki.Der ");
    assertThat(classes.lines().filter(line -> line.contains("org.bouncycastle")).toList()).isEmpty();
  }

  @Test
  void theCheckSeesBouncyCastleWhenTheControlPlanePathRuns() {
    // The positive control: if BC were on the proxy path, the same check would see it.
    String classes = runChild("--then-parse", "control-classes.log");

    assertThat(classes).contains("org.bouncycastle.pkcs.PKCS10CertificationRequest ");
  }

  private String runChild(String mode, String logName) {
    Path log = dir.resolve(logName);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xlog:class+load=info:file=" + log,
        // Surefire's class path (or its manifest-only jar) includes the BouncyCastle jars.
        "-cp", System.getProperty("java.class.path"),
        ProxySidePki.class.getName(),
        dir.resolve("chain.crt").toString(), dir.resolve("anchors.crt").toString(), WEB.value(), mode));
    keyFiles.forEach(name -> command.add(dir.resolve(name).toString()));

    Commands.Result result = Commands.run(dir, command);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("key " + dir.resolve("sec1.key") + " EC", "anchors 1");
    String csr = result.output().lines().filter(line -> line.startsWith("csr ")).findFirst().orElseThrow()
        .substring("csr ".length());
    assertThat(CertificateRequests.parse(Base64.getDecoder().decode(csr)).dnsNames()).containsExactly(WEB.value());
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      throw new AssertionError("no class-load log at " + log, e);
    }
  }
}
