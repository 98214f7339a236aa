package dev.lattice.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.cli.CliRun;
import dev.lattice.cli.Golden;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lattice check --identity} on certificates made by {@code lattice identity}, at chosen times. */
class IdentityCheckCommandTest {
  private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");

  @TempDir Path dir;

  @BeforeEach
  void createAnchorAndIssuer() {
    create("create-trust-anchor", "ca.crt", "ca.key");
    create("create-issuer", "issuer.crt", "issuer.key", "--ca", path("ca.crt"), "--ca-key", path("ca.key"));
  }

  @Test
  void goodPairPasses() {
    CliRun run = check(T0.plus(Duration.ofDays(1)), "ca.crt", "issuer.crt", "--identity-issuer-key-file",
        path("issuer.key"));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    Golden.assertMatches("check-identity-ok.golden", run.out());
  }

  @Test
  void issuerExpiringInThirtyDaysWarnsButPasses() {
    CliRun run = check(T0.plus(Duration.ofDays(365 - 30)), "ca.crt", "issuer.crt");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("""
        ‼ issuer cert is valid for at least 60 days
            issuer certificate will expire on 2027-11-30T00:00:00Z
            see https://linkerd.io/2/checks/#l5d-identity-issuer-cert-not-expiring-soon for hints
        """).endsWith("\nStatus check results are √\n");
    Golden.assertMatches("check-identity-expiring.golden", run.out());
  }

  @Test
  void issuerJustOutsideTheWarningWindowPasses() {
    CliRun run = check(T0.plus(Duration.ofDays(365 - 61)), "ca.crt", "issuer.crt");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("√ issuer cert is valid for at least 60 days\n").doesNotContain("‼");
  }

  @Test
  void expiredIssuerFailsAndStopsTheChecksAfterIt() {
    CliRun run = check(T0.plus(Duration.ofDays(400)), "ca.crt", "issuer.crt");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("""
        × issuer cert is within its validity period
            issuer certificate is not valid anymore. Expired on 2027-11-30T00:00:00Z
            see https://linkerd.io/2/checks/#l5d-identity-issuer-cert-is-time-valid for hints

        Status check results are ×
        """).doesNotContain("issued by the trust anchor");
    Golden.assertMatches("check-identity-expired.golden", run.out());
  }

  @Test
  void issuerFromAnotherAnchorFails() {
    create("create-trust-anchor", "other.crt", "other.key");

    CliRun run = check(T0.plus(Duration.ofDays(1)), "other.crt", "issuer.crt");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("√ issuer cert is valid for at least 60 days\n"
        + "× issuer cert is issued by the trust anchor\n"
        + "    issuer certificate 'CN=identity.linkerd.cluster.local' does not chain to the trust anchors in "
        + path("other.crt") + ": ").endsWith("\nStatus check results are ×\n");
    Golden.assertMatches("check-identity-other-anchor.golden", run.out().replace(dir.toString(), "${DIR}"));
  }

  @Test
  void anchorsExpiringSoonAreListedBySerialAndName() {
    create("create-trust-anchor", "short.crt", "short.key", "--not-after", "90d", "--common-name", "short-root");
    create("create-issuer", "short-issuer.crt", "short-issuer.key", "--ca", path("short.crt"),
        "--ca-key", path("short.key"), "--not-after", "80d");
    String serial = Pem.readCertificates(dir.resolve("short.crt")).getFirst().getSerialNumber().toString();

    CliRun run = check(T0.plus(Duration.ofDays(40)), "short.crt", "short-issuer.crt");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("‼ trust anchors are valid for at least 60 days\n"
        + "    Anchors expiring soon:\n"
        + "\t* " + serial + " short-root will expire on 2027-02-28T00:00:00Z\n");
  }

  @Test
  void keyThatIsNotTheIssuersFailsTheConfigCheck() {
    CliRun run = check(T0.plus(Duration.ofDays(1)), "ca.crt", "issuer.crt", "--identity-issuer-key-file",
        path("ca.key"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("× certificate config is valid\n    the issuer key in " + path("ca.key")
        + " does not belong to the issuer certificate in " + path("issuer.crt") + "\n")
        .doesNotContain("trust anchors are");
  }

  @Test
  void missingFileFailsTheConfigCheck() {
    CliRun run = check(T0, "nope.crt", "issuer.crt");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("× certificate config is valid\n    cannot read the trust anchors file "
        + "(--identity-trust-anchors-file) " + path("nope.crt") + ": no such file\n");
  }

  @Test
  void issuerThatIsNotACaFailsTheConfigCheck() {
    CertificateAuthority root = CertificateAuthority.createRoot(CaProfile.root("r"), KeyPairs.generateP256(), T0);
    var leaf = root.issueLeaf(dev.lattice.pki.IdentityName.forServiceAccount("a", "b", "linkerd", "cluster.local"),
        KeyPairs.generateP256().getPublic(), T0, Duration.ofHours(24), Duration.ZERO);
    Pem.writeCertificates(dir.resolve("leaf.crt"), List.of(leaf.leaf()));

    CliRun run = check(T0, "ca.crt", "leaf.crt");

    assertThat(run.out()).contains("× certificate config is valid\n    issuer certificate 'CN=a.b.serviceaccount");
    assertThat(run.out()).contains("is not a CA (BasicConstraints CA:false)");
  }

  @Test
  void issuerOnAnotherCurveFailsTheCryptoCheck() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair p384 = generator.generateKeyPair();
    CertificateAuthority root = CertificateAuthority.of(
        Pem.readCertificates(dir.resolve("ca.crt")).getFirst(), Pem.readPrivateKey(dir.resolve("ca.key")),
        Pem.readCertificates(dir.resolve("ca.crt")));
    CertificateAuthority issuer = root.createIntermediate(CaProfile.issuer("p384"), p384, T0);
    Pem.writeCertificates(dir.resolve("p384.crt"), issuer.chain());

    CliRun run = check(T0.plus(Duration.ofDays(1)), "ca.crt", "p384.crt");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("× issuer cert is using supported crypto algorithm\n"
        + "    issuer certificate must use ECDSA P-256 for its public key, instead ECDSA P-384 was used\n"
        + "    see https://linkerd.io/2/checks/#l5d-identity-issuer-cert-uses-supported-crypto for hints\n");
  }

  @Test
  void shortAndJsonOutputs() {
    CliRun quiet = check(T0.plus(Duration.ofDays(1)), "ca.crt", "issuer.crt", "-o", "short");
    assertThat(quiet.out()).isEqualTo("Status check results are √\n");

    CliRun json = check(T0.plus(Duration.ofDays(400)), "ca.crt", "issuer.crt", "-o", "json");
    assertThat(json.exitCode()).isEqualTo(1);
    Golden.assertMatches("check-identity-expired.json.golden", json.out());
  }

  @Test
  void usageErrorsAreClear() throws IOException {
    CliRun nothing = CliRun.run("check");
    assertThat(nothing.exitCode()).isEqualTo(2);
    assertThat(nothing.err()).contains("nothing to check: choose a check group (available: --identity");

    CliRun noFiles = CliRun.run("check", "--identity");
    assertThat(noFiles.exitCode()).isEqualTo(2);
    assertThat(noFiles.err()).contains("--identity needs --identity-trust-anchors-file and "
        + "--identity-issuer-certificate-file");

    CliRun badFormat = check(T0, "ca.crt", "issuer.crt", "-o", "wide");
    assertThat(badFormat.exitCode()).isEqualTo(2);
    assertThat(badFormat.err()).contains("Invalid output type 'wide'. Supported output types are: json, table, short");
    assertThat(Files.exists(dir.resolve("ca.crt"))).isTrue();
  }

  private void create(String command, String cert, String key, String... options) {
    String[] args = java.util.stream.Stream.concat(
        java.util.stream.Stream.of("identity", command, path(cert), path(key)), java.util.Arrays.stream(options))
        .toArray(String[]::new);
    CliRun run = CliRun.run(InstantSource.fixed(T0), args);
    assertThat(run.exitCode()).as(run.toString()).isZero();
  }

  private CliRun check(Instant now, String anchors, String issuer, String... options) {
    String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("check", "--identity",
        "--identity-trust-anchors-file", path(anchors), "--identity-issuer-certificate-file", path(issuer)),
        java.util.Arrays.stream(options)).toArray(String[]::new);
    return CliRun.run(InstantSource.fixed(now), args);
  }

  private String path(String file) {
    return dir.resolve(file).toString();
  }
}
