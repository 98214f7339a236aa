package dev.lattice.cli.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.cli.CliRun;
import dev.lattice.cli.Processes;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.Certificates;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.IssuedCertificate;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import dev.lattice.pki.PkiException;
import dev.lattice.pki.TrustBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreateCommandsTest {
  private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");
  private static final InstantSource CLOCK = InstantSource.fixed(T0);

  @TempDir Path dir;

  @Test
  void trustAnchorHasStepRootCaDefaultsAndPrivateKeyFile() throws IOException {
    CliRun run = anchor("ca.crt", "ca.key");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("CN=root.linkerd.cluster.local", "2036-11-27T00:00:00Z");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.crt"))))
        .isEqualTo("rw-r--r--");
    assertThat(Files.readString(dir.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----\n");

    X509Certificate root = single("ca.crt");
    assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=root.linkerd.cluster.local");
    assertThat(Certificates.isSelfSigned(root)).isTrue();
    assertThat(Duration.between(T0, root.getNotAfter().toInstant())).isEqualTo(Duration.ofHours(87600));
    assertThat(root.getBasicConstraints()).isEqualTo(1);
    assertThat(CertificateFacts.of(root).keyUsage()).containsExactly("Certificate Sign", "CRL Sign");
    assertThat(Certificates.keyAlgorithm(root)).isEqualTo("ECDSA P-256");
    assertThat(KeyPairs.matches(Pem.readPrivateKey(dir.resolve("ca.key")), root.getPublicKey())).isTrue();
  }

  @Test
  void opensslReadsTheKeyAsTheCertificatesKey() {
    anchor("ca.crt", "ca.key");

    Processes fromCert = Processes.run(dir, "openssl", "x509", "-in", "ca.crt", "-noout", "-pubkey");
    Processes fromKey = Processes.run(dir, "openssl", "pkey", "-in", "ca.key", "-pubout");

    assertThat(fromKey.exitCode()).as(fromKey.output()).isZero();
    assertThat(fromKey.output()).isEqualTo(fromCert.output()).startsWith("-----BEGIN PUBLIC KEY-----");
  }

  @Test
  void optionsOverrideNameAndLifetime() {
    CliRun run = anchor("ca.crt", "ca.key", "--common-name", "root.example.org", "--not-after", "365d");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    X509Certificate root = single("ca.crt");
    assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=root.example.org");
    assertThat(root.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofDays(365)));
  }

  @Test
  void issuerIsSignedByTheAnchorWithStepIntermediateDefaults() {
    anchor("ca.crt", "ca.key");

    CliRun run = issuer("issuer.crt", "issuer.key");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    X509Certificate root = single("ca.crt");
    X509Certificate issuer = single("issuer.crt");
    assertThat(issuer.getSubjectX500Principal().getName()).isEqualTo("CN=identity.linkerd.cluster.local");
    assertThat(issuer.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
    assertThat(issuer.getNotAfter().toInstant()).isEqualTo(T0.plus(Duration.ofHours(8760)));
    assertThat(issuer.getBasicConstraints()).isZero();
    assertThat(CertificateFacts.of(issuer).keyUsage()).containsExactly("Certificate Sign", "CRL Sign");
    assertThat(PosixFilePermissions.toString(permissions("issuer.key")))
        .isEqualTo("rw-------");

    TrustBundle anchors = TrustBundle.of(root);
    anchors.verify(List.of(issuer), T0.plus(Duration.ofHours(1)));
    assertThatThrownBy(() -> anchors.verify(List.of(issuer), T0.plus(Duration.ofHours(8761))))
        .isInstanceOf(PkiException.class);
  }

  @Test
  void opensslVerifiesTheIssuerAgainstTheAnchorAndNotAgainstAnother() {
    // openssl checks validity against the real time, so these certificates are made now.
    assertThat(CliRun.run("identity", "create-trust-anchor", path("ca.crt"), path("ca.key")).exitCode()).isZero();
    assertThat(CliRun.run("identity", "create-trust-anchor", path("other.crt"), path("other.key")).exitCode())
        .isZero();
    assertThat(CliRun.run("identity", "create-issuer", path("issuer.crt"), path("issuer.key"),
        "--ca", path("ca.crt"), "--ca-key", path("ca.key")).exitCode()).isZero();

    Processes good = Processes.run(dir, "openssl", "verify", "-CAfile", "ca.crt", "issuer.crt");
    Processes bad = Processes.run(dir, "openssl", "verify", "-CAfile", "other.crt", "issuer.crt");

    assertThat(good.exitCode()).as(good.output()).isZero();
    assertThat(good.output()).isEqualTo("issuer.crt: OK\n");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.output()).contains("unable to get local issuer certificate");
  }

  @Test
  void issuerUsableByTheIdentityServiceToSignLeaves() {
    anchor("ca.crt", "ca.key");
    issuer("issuer.crt", "issuer.key");

    CertificateAuthority ca = CertificateAuthority.of(single("issuer.crt"),
        Pem.readPrivateKey(dir.resolve("issuer.key")), Pem.readCertificates(dir.resolve("issuer.crt")));
    IdentityName web = IdentityName.forServiceAccount("web", "emojivoto", "linkerd", "cluster.local");
    IssuedCertificate leaf =
        ca.issueLeaf(web, KeyPairs.generateP256().getPublic(), T0, Duration.ofHours(24), Duration.ofSeconds(20));

    TrustBundle.of(single("ca.crt")).verifyIdentity(leaf.chain(), web, T0.plus(Duration.ofHours(1)));
  }

  @Test
  void refusesToOverwriteWithoutForceAndWritesNothing() throws IOException {
    anchor("ca.crt", "ca.key");
    byte[] cert = Files.readAllBytes(dir.resolve("ca.crt"));
    byte[] key = Files.readAllBytes(dir.resolve("ca.key"));

    CliRun again = anchor("ca.crt", "ca.key");

    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("lattice: " + dir.resolve("ca.crt")
        + " already exists; nothing was written (use --force to overwrite it)\n");
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(cert);
    assertThat(Files.readAllBytes(dir.resolve("ca.key"))).isEqualTo(key);

    // Only the key exists: the certificate must not be created either.
    CliRun keyExists = anchor("new.crt", "ca.key");
    assertThat(keyExists.exitCode()).isEqualTo(1);
    assertThat(keyExists.err()).contains("ca.key already exists");
    assertThat(dir.resolve("new.crt")).doesNotExist();

    CliRun forced = anchor("ca.crt", "ca.key", "--force");
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isNotEqualTo(cert);
    assertThat(Files.readAllBytes(dir.resolve("ca.key"))).isNotEqualTo(key);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void issuerRefusesToOverwriteToo() {
    anchor("ca.crt", "ca.key");
    issuer("issuer.crt", "issuer.key");

    CliRun again = issuer("issuer.crt", "issuer.key");

    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("issuer.crt already exists; nothing was written (use --force");
  }

  @Test
  void caKeyThatDoesNotMatchTheCaCertificateIsRefused() {
    anchor("ca.crt", "ca.key");
    anchor("other.crt", "other.key");

    CliRun run = CliRun.run(CLOCK, "identity", "create-issuer", path("issuer.crt"), path("issuer.key"),
        "--ca", path("ca.crt"), "--ca-key", path("other.key"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("lattice: the CA key (--ca-key) " + path("other.key")
        + " does not belong to the CA certificate (--ca) 'CN=root.linkerd.cluster.local' in " + path("ca.crt") + "\n");
    assertThat(dir.resolve("issuer.crt")).doesNotExist();
    assertThat(dir.resolve("issuer.key")).doesNotExist();
  }

  @Test
  void caThatIsNotACaIsRefused() {
    CertificateAuthority root =
        CertificateAuthority.createRoot(CaProfile.root("root"), KeyPairs.generateP256(), T0);
    KeyPair leafKeys = KeyPairs.generateP256();
    IssuedCertificate leaf = root.issueLeaf(IdentityName.forServiceAccount("web", "ns", "linkerd", "cluster.local"),
        leafKeys.getPublic(), T0, Duration.ofHours(24), Duration.ZERO);
    Pem.writeCertificates(dir.resolve("leaf.crt"), List.of(leaf.leaf()));
    Pem.writePrivateKey(dir.resolve("leaf.key"), leafKeys.getPrivate());

    CliRun run = CliRun.run(CLOCK, "identity", "create-issuer", path("issuer.crt"), path("issuer.key"),
        "--ca", path("leaf.crt"), "--ca-key", path("leaf.key"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("lattice: the CA certificate (--ca) 'CN=web.ns.serviceaccount")
        .contains("is not a CA (BasicConstraints CA:false), so it cannot sign an issuer");
  }

  @Test
  void anIssuerCannotSignAnotherIssuer() {
    anchor("ca.crt", "ca.key");
    issuer("issuer.crt", "issuer.key");

    CliRun run = CliRun.run(CLOCK, "identity", "create-issuer", path("second.crt"), path("second.key"),
        "--ca", path("issuer.crt"), "--ca-key", path("issuer.key"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("has path length 0: it may sign only workload certificates, not an issuer");
  }

  @Test
  void issuerMayNotOutliveItsCa() {
    anchor("ca.crt", "ca.key", "--not-after", "100d");

    CliRun run = issuer("issuer.crt", "issuer.key");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("lattice: --not-after 365d 0h would make the issuer valid until "
        + "2027-11-30T00:00:00Z, after its CA expires (2027-03-10T00:00:00Z); choose at most 100d 0h\n");
    assertThat(dir.resolve("issuer.key")).doesNotExist();
  }

  @Test
  void expiredCaIsRefused() {
    anchor("ca.crt", "ca.key", "--not-after", "10d");

    CliRun run = CliRun.run(InstantSource.fixed(T0.plus(Duration.ofDays(11))), "identity", "create-issuer",
        path("issuer.crt"), path("issuer.key"), "--ca", path("ca.crt"), "--ca-key", path("ca.key"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("expired on 2026-12-10T00:00:00Z");
  }

  @Test
  void unreadableOrWrongFilesAreNamed() throws IOException {
    CliRun missing = issuer("issuer.crt", "issuer.key");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("lattice: cannot read the CA certificate (--ca) " + path("ca.crt")
        + ": no such file\n");

    anchor("ca.crt", "ca.key");
    Files.writeString(dir.resolve("garbage.key"), "not a key\n");
    CliRun garbage = CliRun.run(CLOCK, "identity", "create-issuer", path("issuer.crt"), path("issuer.key"),
        "--ca", path("ca.crt"), "--ca-key", path("garbage.key"));
    assertThat(garbage.exitCode()).isEqualTo(1);
    assertThat(garbage.err()).startsWith("lattice: the CA key (--ca-key) " + path("garbage.key")
        + " holds no usable private key");

    CliRun keyAsCert = CliRun.run(CLOCK, "identity", "create-issuer", path("issuer.crt"), path("issuer.key"),
        "--ca", path("ca.key"), "--ca-key", path("ca.key"));
    assertThat(keyAsCert.err()).startsWith("lattice: the CA certificate (--ca) " + path("ca.key")
        + " holds no usable certificate");
  }

  @Test
  void badLifetimeIsAUsageError() {
    CliRun run = anchor("ca.crt", "ca.key", "--not-after", "ten years");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("'ten years' is not a duration");
    assertThat(dir.resolve("ca.key")).doesNotExist();
  }

  private CliRun anchor(String cert, String key, String... options) {
    return CliRun.run(CLOCK, concat(List.of("identity", "create-trust-anchor", path(cert), path(key)), options));
  }

  private CliRun issuer(String cert, String key, String... options) {
    return CliRun.run(CLOCK, concat(List.of("identity", "create-issuer", path(cert), path(key),
        "--ca", path("ca.crt"), "--ca-key", path("ca.key")), options));
  }

  private static String[] concat(List<String> first, String... rest) {
    return java.util.stream.Stream.concat(first.stream(), java.util.Arrays.stream(rest)).toArray(String[]::new);
  }

  private X509Certificate single(String file) {
    List<X509Certificate> certificates = Pem.readCertificates(dir.resolve(file));
    assertThat(certificates).hasSize(1);
    return certificates.getFirst();
  }

  private java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(String file) {
    try {
      return Files.getPosixFilePermissions(dir.resolve(file));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String path(String file) {
    return dir.resolve(file).toString();
  }
}
