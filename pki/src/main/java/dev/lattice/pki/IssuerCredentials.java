package dev.lattice.pki;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** Loads and validates an identity issuer (certificate chain + key) against the trust anchors. */
public final class IssuerCredentials {
  private IssuerCredentials() {}

  /**
   * Reads the issuer's PEM certificate (optionally followed by its own intermediates) and PEM key,
   * and returns a CA ready to sign, or throws {@link PkiException} saying why the pair is unusable:
   * unreadable, key mismatch, not a CA, not signed by the anchors, or outside its validity.
   */
  public static CertificateAuthority load(Path certificateFile, Path keyFile, TrustBundle anchors, Instant now) {
    return validate(Pem.readCertificates(certificateFile), Pem.readPrivateKey(keyFile), anchors, now);
  }

  public static CertificateAuthority validate(
      List<X509Certificate> chain, PrivateKey key, TrustBundle anchors, Instant now) {
    X509Certificate issuer = chain.getFirst();
    CertificateAuthority ca = CertificateAuthority.of(issuer, key, chain);
    if (!KeyPairs.isP256(issuer.getPublicKey())) {
      throw new PkiException("issuer key must be ECDSA P-256, found " + Certificates.keyAlgorithm(issuer));
    }
    anchors.verify(chain, now);
    return ca;
  }
}
