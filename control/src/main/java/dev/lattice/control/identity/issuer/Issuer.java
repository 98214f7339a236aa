package dev.lattice.control.identity.issuer;

import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.TrustBundle;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * An issuer that passed validation: the CA that signs leaves, the anchors it chains to, and the window
 * in which the whole path (issuer chain and the anchor that signed it) is valid.
 *
 * <p>The window exists so Certify can re-check the issuer on every call cheaply: chain and anchors are
 * immutable once loaded and their signatures were verified then, so only the clock can make a loaded
 * issuer invalid.
 *
 * @param fingerprint SHA-256 of the files it was read from, to tell a real change from a touch
 */
public record Issuer(
    CertificateAuthority authority, TrustBundle anchors, Instant validFrom, Instant validUntil, String fingerprint) {
  public Issuer {
    Objects.requireNonNull(authority, "authority");
    Objects.requireNonNull(anchors, "anchors");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }

  /** Computes the validity window from the issuer chain and the anchors that signed its top. */
  public static Issuer of(CertificateAuthority authority, TrustBundle anchors, String fingerprint) {
    Instant from = Instant.MIN;
    Instant until = Instant.MAX;
    for (X509Certificate c : authority.chain()) {
      from = later(from, c.getNotBefore().toInstant());
      until = earlier(until, c.getNotAfter().toInstant());
    }
    X509Certificate top = authority.chain().getLast();
    for (X509Certificate anchor : anchors.anchors()) {
      if (anchor.getSubjectX500Principal().equals(top.getIssuerX500Principal())) {
        from = later(from, anchor.getNotBefore().toInstant());
        until = earlier(until, anchor.getNotAfter().toInstant());
      }
    }
    return new Issuer(authority, anchors, from, until, fingerprint);
  }

  public X509Certificate certificate() {
    return authority.certificate();
  }

  /** Why this issuer must not sign at {@code now}, or null when it may. */
  public String problemAt(Instant now) {
    if (now.isBefore(validFrom)) {
      return "issuer certificate " + subject() + " is not valid before " + validFrom;
    }
    if (now.isAfter(validUntil)) {
      return "issuer certificate " + subject() + " (or a certificate above it) expired at " + validUntil;
    }
    return null;
  }

  public String subject() {
    return certificate().getSubjectX500Principal().getName();
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
