package dev.lattice.pki;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns the DER body of a {@code PRIVATE KEY} (PKCS#8) or {@code EC PRIVATE KEY} (SEC1, RFC 5915)
 * block into a JDK key. Messages never include key bytes.
 */
final class PrivateKeys {
  static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
  private static final Map<String, String> ALGORITHMS = Map.of(
      EC_PUBLIC_KEY, "EC",
      "1.2.840.113549.1.1.1", "RSA",
      "1.3.101.112", "Ed25519");

  private PrivateKeys() {}

  /** PKCS#8 PrivateKeyInfo: the AlgorithmIdentifier picks the JDK KeyFactory. */
  static PrivateKey fromPkcs8(byte[] der) {
    String what = "PRIVATE KEY";
    DerReader info = new DerReader(DerReader.single(der, Der.SEQUENCE, what).content(), what);
    info.next(Der.INTEGER, "version");
    DerReader algorithm = info.children(info.next(Der.SEQUENCE, "privateKeyAlgorithm"));
    String oid = DerReader.oid(algorithm.next(Der.OID, "algorithm").content(), what);
    String keyAlgorithm = ALGORITHMS.get(oid);
    if (keyAlgorithm == null) {
      throw new PkiException("unsupported private key algorithm " + oid + " (expected EC, RSA or Ed25519)");
    }
    try {
      return KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new PkiException("unreadable private key: " + e.getMessage(), e);
    }
  }

  /**
   * SEC1 ECPrivateKey ::= SEQUENCE { version INTEGER (1), privateKey OCTET STRING,
   * parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }. The JDK reads only
   * PKCS#8, so the SEC1 bytes are wrapped whole into a PrivateKeyInfo naming the curve from [0].
   */
  static PrivateKey fromSec1(byte[] der) {
    String what = "EC PRIVATE KEY";
    DerReader key = new DerReader(DerReader.single(der, Der.SEQUENCE, what).content(), what);
    byte[] version = key.next(Der.INTEGER, "version").content();
    if (version.length != 1 || version[0] != 1) {
      throw new PkiException(what + ": version must be 1 (RFC 5915)");
    }
    key.next(Der.OCTET_STRING, "privateKey");
    String curve = null;
    while (key.hasMore()) {
      DerReader.Element element = key.next();
      if (element.tag() == (Der.CONTEXT_CONSTRUCTED | 0)) {
        DerReader.Element parameters = key.children(element).next();
        if (parameters.tag() != Der.OID) {
          throw new PkiException(what + ": explicit curve parameters are not supported, only a named curve");
        }
        curve = DerReader.oid(parameters.content(), what);
      } else if (element.tag() != (Der.CONTEXT_CONSTRUCTED | 1)) {
        throw new PkiException(String.format("%s: unexpected element with tag 0x%02x", what, element.tag()));
      }
    }
    if (curve == null) {
      throw new PkiException(what + " has no [0] parameters naming its curve; "
          + "convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt'");
    }
    byte[] pkcs8 = Der.sequence(
        Der.integer(0),
        Der.sequence(Der.oid(EC_PUBLIC_KEY), Der.oid(curve)),
        Der.octetString(der));
    try {
      return fromPkcs8(pkcs8);
    } finally {
      // A copy of the private scalar; don't leave it for the garbage collector to hand back later.
      Arrays.fill(pkcs8, (byte) 0);
    }
  }
}
