package dev.lattice.pki;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Builds and reads PKCS#10 certificate signing requests (DER, as the Certify API carries them). */
public final class CertificateRequests {
  private static final DefaultAlgorithmNameFinder SIGNATURE_NAMES = new DefaultAlgorithmNameFinder();

  private CertificateRequests() {}

  /** A request with CN = identity and exactly one DNS SAN = identity, signed by {@code keys}. */
  public static byte[] create(IdentityName identity, KeyPair keys) {
    try {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, identity.value())));
      var builder = new JcaPKCS10CertificationRequestBuilder(
          new X500Name("CN=" + identity.value()), keys.getPublic());
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
          .getEncoded();
    } catch (IOException | OperatorCreationException e) {
      throw new PkiException("cannot build a certificate request: " + e.getMessage(), e);
    }
  }

  /**
   * Parses a DER request and checks its self-signature. Throws {@link PkiException} for anything
   * that is not a well-formed request signed by the key it carries.
   */
  public static CertificateRequest parse(byte[] der) {
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
}
