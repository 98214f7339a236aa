package dev.lattice.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateRequestsTest {
  private static final IdentityName WEB =
      IdentityName.forServiceAccount("web", "emojivoto", "linkerd", "cluster.local");

  private final KeyPair keys = KeyPairs.generateP256();

  /** From one character to 64, the longest CN BouncyCastle's builder accepts (RFC 5280's ub-common-name). */
  static IdentityName[] identities() {
    return new IdentityName[] {new IdentityName("a"), WEB, new IdentityName("x".repeat(58) + ".local")};
  }

  @ParameterizedTest
  @MethodSource("identities")
  void createdRequestParsesWithTheIdentityAsCnAndOnlySan(IdentityName identity) {
    CertificateRequest csr = CertificateRequests.parse(CertificateRequests.create(identity, keys));

    assertThat(csr.commonName()).isEqualTo(identity.value());
    assertThat(csr.dnsNames()).containsExactly(identity.value());
    assertThat(csr.otherNames()).isEmpty();
    assertThat(csr.publicKey()).isEqualTo(keys.getPublic());
    assertThat(csr.subject()).hasToString("CN=" + identity.value());
    assertThat(csr.problemNaming(identity)).isNull();
  }

  @Test
  void identityLongerThan64CharactersStillMakesARequest(@TempDir Path dir) throws Exception {
    // Valid identity names reach 253 characters. BouncyCastle's X500Name refuses a CN over 64 (RFC
    // 5280's upper bound), which made the old builder throw; Linkerd's Go proxy sends such names as is.
    IdentityName longName =
        IdentityName.forServiceAccount("s".repeat(63), "n".repeat(63), "linkerd", "c".repeat(63) + ".local");
    byte[] der = CertificateRequests.create(longName, keys);

    CertificateRequest csr = CertificateRequests.parse(der);
    Files.writeString(dir.resolve("long.csr"), Pem.encodeCsr(der));
    String openssl = Commands.ok(dir, "openssl", "req", "-in", "long.csr", "-noout", "-verify", "-text");

    assertThat(longName.value()).hasSizeGreaterThan(200);
    assertThat(csr.commonName()).isEqualTo(longName.value());
    assertThat(csr.dnsNames()).containsExactly(longName.value());
    assertThat(openssl).contains("verify OK", "DNS:" + longName);
  }

  @ParameterizedTest
  @MethodSource("identities")
  void requestIsByteForByteWhatBouncyCastleBuilds(IdentityName identity) throws Exception {
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    extensions.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, identity.value())));
    PKCS10CertificationRequest bc = new JcaPKCS10CertificationRequestBuilder(
            new X500Name("CN=" + identity.value()), keys.getPublic())
        .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));

    PKCS10CertificationRequest ours = new PKCS10CertificationRequest(CertificateRequests.create(identity, keys));

    // ECDSA signatures are randomised, so everything but the signature value must match exactly.
    assertThat(ours.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER))
        .isEqualTo(bc.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER));
    assertThat(ours.getSignatureAlgorithm().getEncoded(ASN1Encoding.DER))
        .isEqualTo(bc.getSignatureAlgorithm().getEncoded(ASN1Encoding.DER));
    assertThat(ours.getEncoded()).isEqualTo(ours.toASN1Structure().getEncoded(ASN1Encoding.DER));
  }

  @Test
  void opensslVerifiesTheRequestAndSeesTheDnsSan(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("web.csr"), Pem.encodeCsr(CertificateRequests.create(WEB, keys)));

    String output = Commands.ok(dir, "openssl", "req", "-in", "web.csr", "-noout", "-verify", "-text");

    assertThat(output).contains("verify OK");
    assertThat(output).contains("Subject: CN = " + WEB);
    assertThat(output).contains("X509v3 Subject Alternative Name:").contains("DNS:" + WEB);
    assertThat(output).contains("Signature Algorithm: ecdsa-with-SHA256");
    assertThat(output).contains("NIST CURVE: P-256");
  }

  @Test
  void tamperedRequestNoLongerVerifies(@TempDir Path dir) throws Exception {
    byte[] der = CertificateRequests.create(WEB, keys);
    // The identity sits in the signed part: change one character of it and the signature breaks.
    String text = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1).replace("web.", "wex.");
    byte[] tampered = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.writeString(dir.resolve("tampered.csr"), Pem.encodeCsr(tampered));

    assertThatThrownBy(() -> CertificateRequests.parse(tampered))
        .isInstanceOf(PkiException.class)
        .hasMessage("certificate signing request signature does not verify with its own key");
    // openssl 3.0 exits 0 either way; its verdict is in the text.
    String openssl = Commands.run(dir, List.of("openssl", "req", "-in", "tampered.csr", "-noout", "-verify")).output();
    assertThat(openssl).contains("verify failure").doesNotContain("verify OK");
  }

  @Test
  void nonEcKeyCannotSignARequest() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);

    assertThatThrownBy(() -> CertificateRequests.create(WEB, rsa.generateKeyPair()))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("cannot build a certificate request: ");
  }

  @Test
  void encodeCsrRefusesWhatIsNotARequest() {
    assertThatThrownBy(() -> Pem.encodeCsr(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}))
        .isInstanceOf(PkiException.class)
        .hasMessageStartingWith("malformed certificate signing request");
  }
}
