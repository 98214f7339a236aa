package dev.lattice.pki;

import java.io.IOException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The BouncyCastle half of {@link CertificateRequests}: parsing and checking requests, which only the
 * control plane does. Kept apart so that loading {@code CertificateRequests} to build a request in the
 * proxy never loads (or verifies the signed jar of) BouncyCastle.
 */
final class CertificateRequestParser {
  private static final DefaultAlgorithmNameFinder SIGNATURE_NAMES = new DefaultAlgorithmNameFinder();

  private CertificateRequestParser() {}

  /**
   * Parses a DER request and checks its self-signature. Throws {@link PkiException} for anything
   * that is not a well-formed request signed by the key it carries.
   */
  static CertificateRequest parse(byte[] der) {
    JcaPKCS10CertificationRequest request;
    PublicKey publicKey;
    try {
      request = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(der));
      publicKey = request.getPublicKey();
    } catch (RuntimeException | IOException | java.security.GeneralSecurityException e) {
      throw new PkiException("malformed certificate signing request: " + e.getMessage(), e);
    }
    boolean signatureValid;
    try {
      // Verified with the JDK directly: BouncyCastle's JcaContentVerifierProviderBuilder wraps ECDSA in a
      // RawSigVerifier that runs a second, discarded verification per call, doubling the cost of Certify.
      Signature verifier = Signature.getInstance(SIGNATURE_NAMES.getAlgorithmName(request.getSignatureAlgorithm()));
      verifier.initVerify(publicKey);
      verifier.update(request.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER));
      signatureValid = verifier.verify(request.getSignature());
    } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
      throw new PkiException("certificate signing request signature cannot be checked: " + e.getMessage(), e);
    }
    if (!signatureValid) {
      throw new PkiException("certificate signing request signature does not verify with its own key");
    }

    List<String> dnsNames = new ArrayList<>();
    List<String> otherNames = new ArrayList<>();
    Extensions extensions = request.getRequestedExtensions();
    if (extensions != null) {
      GeneralNames sans = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      if (sans != null) {
        for (GeneralName name : sans.getNames()) {
          if (name.getTagNo() == GeneralName.dNSName) {
            dnsNames.add(name.getName().toString());
          } else {
            otherNames.add(describe(name));
          }
        }
      }
    }
    var commonNames = request.getSubject().getRDNs(BCStyle.CN);
    String commonName = commonNames.length == 0 ? "" : IETFUtils.valueToString(commonNames[0].getFirst().getValue());
    return new CertificateRequest(commonName, dnsNames, otherNames, publicKey, request.getSubject());
  }

  private static String describe(GeneralName name) {
    String kind = switch (name.getTagNo()) {
      case GeneralName.rfc822Name -> "email";
      case GeneralName.iPAddress -> "IP";
      case GeneralName.uniformResourceIdentifier -> "URI";
      default -> "name type " + name.getTagNo();
    };
    return kind + ":" + name.getName();
  }

  /** Throws {@link PkiException} unless {@code der} is a structurally valid PKCS#10 request. */
  static void requireWellFormed(byte[] der) {
    try {
      new PKCS10CertificationRequest(der);
    } catch (IOException | RuntimeException e) {
      throw new PkiException("malformed certificate signing request: " + e.getMessage(), e);
    }
  }
}
