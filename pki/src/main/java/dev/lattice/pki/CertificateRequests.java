package dev.lattice.pki;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;

/**
 * Builds and reads PKCS#10 certificate signing requests (DER, as the Certify API carries them).
 *
 * <p>{@link #create} is what every proxy calls, so it writes the request with the JDK and a small DER
 * writer: loading BouncyCastle would pin its signed jar's manifest in the proxy's heap. {@link #parse},
 * used by the identity service, is BouncyCastle's job and lives in {@link CertificateRequestParser}, so
 * that this class never names a BouncyCastle type.
 */
public final class CertificateRequests {
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final int DNS_NAME = 2;

  private CertificateRequests() {}

  /** A request with CN = identity and exactly one DNS SAN = identity, signed by {@code keys}. */
  public static byte[] create(IdentityName identity, KeyPair keys) {
    byte[] info = requestInfo(identity, keys.getPublic().getEncoded());
    byte[] signature;
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate());
      signer.update(info);
      signature = signer.sign();
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot build a certificate request: " + e.getMessage(), e);
    }
    // AlgorithmIdentifier for ECDSA carries no parameters at all (RFC 5758), not even NULL.
    return Der.sequence(info, Der.sequence(Der.oid(ECDSA_WITH_SHA256)), Der.bitString(signature));
  }

  /**
   * Parses a DER request and checks its self-signature. Throws {@link PkiException} for anything
   * that is not a well-formed request signed by the key it carries.
   */
  public static CertificateRequest parse(byte[] der) {
    return CertificateRequestParser.parse(der);
  }

  /**
   * CertificationRequestInfo (RFC 2986): version 0, subject CN=identity as a UTF8String, the key's
   * SubjectPublicKeyInfo (which {@code getEncoded} already is), and one extensionRequest attribute
   * holding a non-critical subjectAltName with the single dNSName.
   */
  static byte[] requestInfo(IdentityName identity, byte[] subjectPublicKeyInfo) {
    byte[] subject = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(identity.value()))));
    byte[] generalNames = Der.sequence(Der.contextPrimitive(DNS_NAME, identity.value().getBytes(US_ASCII)));
    // Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE (so omitted), extnValue OCTET STRING }
    byte[] extensions = Der.sequence(Der.sequence(Der.oid(SUBJECT_ALT_NAME), Der.octetString(generalNames)));
    byte[] attributes = Der.contextConstructed(0, Der.sequence(Der.oid(EXTENSION_REQUEST), Der.set(extensions)));
    return Der.sequence(Der.integer(0), subject, subjectPublicKeyInfo, attributes);
  }
}
