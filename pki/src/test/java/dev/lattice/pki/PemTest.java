package dev.lattice.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PemTest {
  private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
  private static final IdentityName WEB =
      IdentityName.forServiceAccount("web", "emojivoto", "linkerd", "cluster.local");

  private final CertificateAuthority root =
      CertificateAuthority.createRoot(CaProfile.root("root.linkerd.cluster.local"), KeyPairs.generateP256(), NOW);
  private final CertificateAuthority issuer =
      root.createIntermediate(CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), NOW);
  private final List<X509Certificate> chain = issuer.issueLeaf(
      WEB, KeyPairs.generateP256().getPublic(), NOW, Duration.ofHours(24), Duration.ZERO).chain();

  @TempDir Path dir;

  // --- certificates -------------------------------------------------------------------------------

  @Test
  void bouncyCastleWrittenChainReadsBackAndOurEncodingIsTheSameText() throws Exception {
    StringWriter bc = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(bc)) {
      for (X509Certificate certificate : chain) {
        writer.writeObject(certificate);
      }
    }

    assertThat(Pem.parseCertificates(bc.toString())).containsExactlyElementsOf(chain);
    assertThat(Pem.encode(chain)).isEqualTo(bc.toString());
    assertThat(Pem.parseCertificates(Pem.encode(chain.toArray(X509Certificate[]::new)))).containsExactlyElementsOf(chain);
  }

  @Test
  void opensslWrittenChainWithBagAttributesReadsBack() throws Exception {
    Commands.ok(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=openssl root", "-days", "2");
    Commands.ok(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=" + WEB);
    Commands.ok(dir, "openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "leaf.crt", "-days", "1");
    Commands.ok(dir, "openssl", "pkcs12", "-export", "-in", "leaf.crt", "-inkey", "leaf.key", "-certfile", "ca.crt",
        "-passout", "pass:x", "-out", "bundle.p12");
    // pkcs12 -in writes "Bag Attributes", "subject=" and "issuer=" lines before every block.
    Commands.ok(dir, "openssl", "pkcs12", "-in", "bundle.p12", "-passin", "pass:x", "-nokeys", "-out", "bags.pem");
    Commands.ok(dir, "openssl", "pkcs12", "-in", "bundle.p12", "-passin", "pass:x", "-nocerts", "-nodes",
        "-out", "bagkey.pem");
    assertThat(Files.readString(dir.resolve("bags.pem"))).startsWith("Bag Attributes");
    assertThat(Files.readString(dir.resolve("bagkey.pem"))).startsWith("Bag Attributes");

    List<X509Certificate> plain = Pem.readCertificates(dir.resolve("leaf.crt"));
    List<X509Certificate> bags = Pem.readCertificates(dir.resolve("bags.pem"));
    PrivateKey key = Pem.readPrivateKey(dir.resolve("bagkey.pem"));

    assertThat(plain).hasSize(1);
    assertThat(plain.getFirst().getSubjectX500Principal().getName()).isEqualTo("CN=" + WEB);
    assertThat(bags).hasSize(2).contains(plain.getFirst());
    assertThat(bags).extracting(c -> c.getSubjectX500Principal().getName()).contains("CN=openssl root");
    assertThat(key).isEqualTo(Pem.readPrivateKey(dir.resolve("leaf.key")));
    assertThat(KeyPairs.matches(key, plain.getFirst().getPublicKey())).isTrue();
  }

  @Test
  void textBeforeAndBetweenBlocksAndCrlfLineEndingsAreAccepted() {
    String[] blocks = Pem.encode(chain).split("(?<=-----END CERTIFICATE-----\n)");
    String pem = "issued by the test CA\nsubject=CN = " + WEB + "\n\n" + blocks[0]
        + "# the issuer follows\n   \n" + blocks[1] + "trailing words without a newline";

    assertThat(Pem.parseCertificates(pem)).containsExactlyElementsOf(chain);
    assertThat(Pem.parseCertificates(pem.replace("\n", "\r\n"))).containsExactlyElementsOf(chain);
    assertThat(Pem.parseCertificates(Pem.encode(chain).replace("\n", "\r"))).containsExactlyElementsOf(chain);
    // Indented armor and a body in one long line, as some YAML-embedded bundles arrive.
    String oneLine = "  -----BEGIN CERTIFICATE-----  \n"
        + Base64.getEncoder().encodeToString(encoded(chain.getFirst())) + "\n  -----END CERTIFICATE-----\n";
    assertThat(Pem.parseCertificates(oneLine)).containsExactly(chain.getFirst());
  }

  @Test
  void certificatesRejectOtherBlocksAndEmptyInput() {
    String keyPem = Pem.encode(KeyPairs.generateP256().getPrivate());

    assertThatThrownBy(() -> Pem.parseCertificates(Pem.encode(chain.getFirst()) + keyPem))
        .isInstanceOf(PkiException.class).hasMessage("expected only CERTIFICATE blocks, found PRIVATE KEY");
    assertThatThrownBy(() -> Pem.parseCertificates(""))
        .isInstanceOf(PkiException.class).hasMessage("no CERTIFICATE block found");
    assertThatThrownBy(() -> Pem.parseCertificates("just some words\n"))
        .isInstanceOf(PkiException.class).hasMessage("no CERTIFICATE block found");
  }

  @Test
  void certificateBlockThatIsNotACertificateIsNamedByPosition() {
    String garbage = "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n";

    assertThatThrownBy(() -> Pem.parseCertificates(Pem.encode(chain.getFirst()) + garbage))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("CERTIFICATE block 2: not a valid X.509 certificate");
  }

  @Test
  void malformedArmorIsRejectedNamingTheBlockAndTheProblem() {
    String body = Base64.getMimeEncoder().encodeToString(encoded(chain.getFirst()));

    assertThatThrownBy(() -> Pem.parseCertificates("-----BEGIN CERTIFICATE-----\n" + body + "\n"))
        .isInstanceOf(PkiException.class)
        .hasMessage("not valid PEM: CERTIFICATE block is not terminated (no -----END CERTIFICATE-----)");
    assertThatThrownBy(() -> Pem.parseCertificates(
            "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(PkiException.class)
        .hasMessage("not valid PEM: CERTIFICATE block ends with -----END PRIVATE KEY----- "
            + "instead of -----END CERTIFICATE-----");
    assertThatThrownBy(() -> Pem.parseCertificates(
            "-----BEGIN CERTIFICATE-----\n" + body + "\n" + Pem.encode(chain.getFirst())))
        .isInstanceOf(PkiException.class)
        .hasMessage("not valid PEM: CERTIFICATE block is not terminated before -----BEGIN CERTIFICATE-----");
    assertThatThrownBy(() -> Pem.parseCertificates(body + "\n-----END CERTIFICATE-----\n"))
        .isInstanceOf(PkiException.class)
        .hasMessage("not valid PEM: -----END CERTIFICATE----- without a matching BEGIN line");
    assertThatThrownBy(() -> Pem.parseCertificates("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
        .isInstanceOf(PkiException.class)
        .hasMessage("not valid PEM: CERTIFICATE block is empty");
    assertThatThrownBy(() -> Pem.parseCertificates(
            "-----BEGIN CERTIFICATE-----\n" + body.substring(0, 10) + "*" + body.substring(10)
                + "\n-----END CERTIFICATE-----\n"))
        .isInstanceOf(PkiException.class)
        .hasMessage("not valid PEM: CERTIFICATE block body has a character that is not base64: '*'");
    assertThatThrownBy(() -> Pem.parseCertificates("-----BEGIN CERTIFICATE\n"))
        .isInstanceOf(PkiException.class)
        .hasMessage("not valid PEM: malformed armor line '-----BEGIN CERTIFICATE'");
  }

  @Test
  void fileVariantsNameTheFile() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> Pem.readCertificates(empty))
        .isInstanceOf(PkiException.class).hasMessage(empty + ": no CERTIFICATE block found");
    assertThatThrownBy(() -> Pem.readPrivateKey(empty))
        .isInstanceOf(PkiException.class).hasMessage(empty + ": no PRIVATE KEY or EC PRIVATE KEY block found");
    assertThatThrownBy(() -> Pem.readCertificates(missing))
        .isInstanceOf(PkiException.class).hasMessageStartingWith("cannot read " + missing);
    assertThatThrownBy(() -> Pem.readPrivateKey(missing))
        .isInstanceOf(PkiException.class).hasMessageStartingWith("cannot read " + missing);
  }

  // --- private keys -------------------------------------------------------------------------------

  @Test
  void ourPkcs8KeyRoundTrips() {
    PrivateKey key = KeyPairs.generateP256().getPrivate();

    assertThat(Pem.encode(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(Pem.parsePrivateKey(Pem.encode(key))).isEqualTo(key);
    assertThat(Pem.parsePrivateKey(Pem.encode(key).replace("\n", "\r\n"))).isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void opensslSec1KeyReadsWithOrWithoutItsEcParametersBlock(boolean withParametersBlock) throws Exception {
    if (withParametersBlock) {
      Commands.ok(dir, "openssl", "ecparam", "-genkey", "-name", "prime256v1", "-out", "sec1.pem");
      assertThat(Files.readString(dir.resolve("sec1.pem"))).startsWith("-----BEGIN EC PARAMETERS-----");
    } else {
      Commands.ok(dir, "openssl", "ecparam", "-genkey", "-noout", "-name", "prime256v1", "-out", "sec1.pem");
    }
    assertThat(Files.readString(dir.resolve("sec1.pem"))).contains("-----BEGIN EC PRIVATE KEY-----");
    Commands.ok(dir, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", "sec1.pem", "-out", "pkcs8.pem");

    PrivateKey sec1 = Pem.readPrivateKey(dir.resolve("sec1.pem"));

    assertThat(sec1).isInstanceOf(ECPrivateKey.class);
    assertThat(((ECPrivateKey) sec1).getS()).isEqualTo(((ECPrivateKey) Pem.readPrivateKey(dir.resolve("pkcs8.pem"))).getS());
    assertThat(KeyPairs.matches(sec1, opensslPublicKey("sec1.pem", "EC"))).isTrue();
  }

  @Test
  void opensslPkcs8EcKeyReads() throws Exception {
    Commands.ok(dir, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k.pem");

    PrivateKey key = Pem.readPrivateKey(dir.resolve("k.pem"));

    assertThat(key.getAlgorithm()).isEqualTo("EC");
    assertThat(KeyPairs.matches(key, opensslPublicKey("k.pem", "EC"))).isTrue();
  }

  @Test
  void opensslRsaAndEd25519Pkcs8KeysRead() throws Exception {
    Commands.ok(dir, "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
    Commands.ok(dir, "openssl", "genpkey", "-algorithm", "ED25519", "-out", "ed.pem");

    PrivateKey rsa = Pem.readPrivateKey(dir.resolve("rsa.pem"));
    PrivateKey ed = Pem.readPrivateKey(dir.resolve("ed.pem"));

    assertThat(rsa.getAlgorithm()).isEqualTo("RSA");
    assertThat(KeyPairs.matches(rsa, opensslPublicKey("rsa.pem", "RSA"))).isTrue();
    assertThat(ed.getAlgorithm()).isIn("Ed25519", "EdDSA");
    assertThat(ed.getEncoded()).isEqualTo(opensslDer("ed.pem"));
  }

  @Test
  void keysRejectOtherBlocksMissingOrSeveralKeys() {
    String key = Pem.encode(KeyPairs.generateP256().getPrivate());

    assertThatThrownBy(() -> Pem.parsePrivateKey(Pem.encode(chain.getFirst())))
        .isInstanceOf(PkiException.class)
        .hasMessage("expected a PRIVATE KEY or EC PRIVATE KEY block, found CERTIFICATE");
    assertThatThrownBy(() -> Pem.parsePrivateKey(key + Pem.encode(chain.getFirst())))
        .isInstanceOf(PkiException.class)
        .hasMessage("expected a PRIVATE KEY or EC PRIVATE KEY block, found CERTIFICATE");
    assertThatThrownBy(() -> Pem.parsePrivateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAMCAQA=\n"
            + "-----END ENCRYPTED PRIVATE KEY-----\n"))
        .isInstanceOf(PkiException.class)
        .hasMessage("expected a PRIVATE KEY or EC PRIVATE KEY block, found ENCRYPTED PRIVATE KEY");
    assertThatThrownBy(() -> Pem.parsePrivateKey("no key\n"))
        .isInstanceOf(PkiException.class).hasMessage("no PRIVATE KEY or EC PRIVATE KEY block found");
    assertThatThrownBy(() -> Pem.parsePrivateKey(key + key))
        .isInstanceOf(PkiException.class).hasMessage("expected one private key, found a second PRIVATE KEY block");
  }

  @Test
  void legacyEncryptedSec1KeyIsRejectedForItsHeaders() throws Exception {
    Commands.ok(dir, "openssl", "ecparam", "-genkey", "-noout", "-name", "prime256v1", "-out", "sec1.pem");
    Commands.ok(dir, "openssl", "ec", "-in", "sec1.pem", "-aes128", "-passout", "pass:secret", "-out", "enc.pem");

    assertThatThrownBy(() -> Pem.readPrivateKey(dir.resolve("enc.pem")))
        .isInstanceOf(PkiException.class)
        .hasMessage(dir.resolve("enc.pem")
            + ": not valid PEM: EC PRIVATE KEY block has headers (Proc-Type); encrypted PEM is not supported");
  }

  @Test
  void sec1WithExplicitCurveParametersIsRejected() throws Exception {
    Commands.ok(dir, "openssl", "ecparam", "-genkey", "-noout", "-name", "prime256v1", "-out", "sec1.pem");
    Commands.ok(dir, "openssl", "ec", "-in", "sec1.pem", "-param_enc", "explicit", "-out", "explicit.pem");

    assertThatThrownBy(() -> Pem.readPrivateKey(dir.resolve("explicit.pem")))
        .isInstanceOf(PkiException.class)
        .hasMessage(dir.resolve("explicit.pem")
            + ": EC PRIVATE KEY: explicit curve parameters are not supported, only a named curve");
  }

  @Test
  void sec1WithoutCurveParametersIsRejected() {
    byte[] scalar = ((ECPrivateKey) KeyPairs.generateP256().getPrivate()).getS().toByteArray();
    String pem = armor("EC PRIVATE KEY", Der.sequence(Der.integer(1), Der.octetString(scalar)));

    assertThatThrownBy(() -> Pem.parsePrivateKey(pem))
        .isInstanceOf(PkiException.class)
        .hasMessage("EC PRIVATE KEY has no [0] parameters naming its curve; "
            + "convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt'");
  }

  @Test
  void sec1WithAnUnknownVersionOrTrailingBytesIsRejected() {
    byte[] scalar = new byte[32];
    scalar[31] = 7;
    byte[] params = Der.contextConstructed(0, Der.oid("1.2.840.10045.3.1.7"));
    String version2 = armor("EC PRIVATE KEY", Der.sequence(Der.integer(2), Der.octetString(scalar), params));
    byte[] valid = Der.sequence(Der.integer(1), Der.octetString(scalar), params);
    byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 2);

    assertThat(((ECPrivateKey) Pem.parsePrivateKey(armor("EC PRIVATE KEY", valid))).getS()).isEqualTo(7);
    assertThatThrownBy(() -> Pem.parsePrivateKey(version2))
        .isInstanceOf(PkiException.class).hasMessage("EC PRIVATE KEY: version must be 1 (RFC 5915)");
    assertThatThrownBy(() -> Pem.parsePrivateKey(armor("EC PRIVATE KEY", trailing)))
        .isInstanceOf(PkiException.class)
        .hasMessage("EC PRIVATE KEY: 2 unexpected bytes after the DER structure");
  }

  @Test
  void pkcs8WithAnUnsupportedAlgorithmOrGarbageIsRejected() throws Exception {
    Commands.ok(dir, "openssl", "genpkey", "-algorithm", "X448", "-out", "x448.pem");

    assertThatThrownBy(() -> Pem.readPrivateKey(dir.resolve("x448.pem")))
        .isInstanceOf(PkiException.class)
        .hasMessage(dir.resolve("x448.pem") + ": unsupported private key algorithm 1.3.101.111 "
            + "(expected EC, RSA or Ed25519)");
    assertThatThrownBy(() -> Pem.parsePrivateKey("-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(PkiException.class)
        .hasMessage("PRIVATE KEY: privateKeyAlgorithm is missing");
    assertThatThrownBy(() -> Pem.parsePrivateKey("-----BEGIN PRIVATE KEY-----\nMAoCAQA=\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(PkiException.class)
        .hasMessage("PRIVATE KEY: truncated DER (element of 10 bytes, 3 left)");
  }

  @Test
  void ecKeyWhoseBodyTheJdkRejectsIsUnreadable() {
    // A well-shaped PrivateKeyInfo naming EC on an unknown curve: the shape passes, the JDK says no.
    byte[] info = Der.sequence(Der.integer(0),
        Der.sequence(Der.oid("1.2.840.10045.2.1"), Der.oid("1.2.3.4")),
        Der.octetString(Der.sequence(Der.integer(1), Der.octetString(new byte[32]))));

    assertThatThrownBy(() -> Pem.parsePrivateKey(armor("PRIVATE KEY", info)))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("unreadable private key: ");
  }

  private PublicKey opensslPublicKey(String keyFile, String algorithm) throws Exception {
    Commands.ok(dir, "openssl", "pkey", "-in", keyFile, "-pubout", "-outform", "DER", "-out", keyFile + ".pub.der");
    return KeyFactory.getInstance(algorithm)
        .generatePublic(new X509EncodedKeySpec(Files.readAllBytes(dir.resolve(keyFile + ".pub.der"))));
  }

  private byte[] opensslDer(String keyFile) throws Exception {
    Commands.ok(dir, "openssl", "pkey", "-in", keyFile, "-outform", "DER", "-out", keyFile + ".der");
    return Files.readAllBytes(dir.resolve(keyFile + ".der"));
  }

  private static String armor(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new AssertionError(e);
    }
  }
}
