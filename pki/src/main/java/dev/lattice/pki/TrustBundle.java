package dev.lattice.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The trust anchors of a mesh, and chain verification against them with the JDK's PKIX validator. */
public record TrustBundle(List<X509Certificate> anchors) {
  public TrustBundle {
    anchors = List.copyOf(anchors);
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException("anchors: empty (expected: at least one trust anchor)");
    }
  }

  public static TrustBundle of(X509Certificate... anchors) {
    return new TrustBundle(List.of(anchors));
  }

  public static TrustBundle parse(String pem) {
    return new TrustBundle(Pem.parseCertificates(pem));
  }

  /**
   * Verifies that {@code chain} (end-entity first) leads to one of the anchors and that every
   * certificate is valid at {@code at}. Throws {@link PkiException} saying why not.
   */
  public void verify(List<X509Certificate> chain, Instant at) {
    if (chain.isEmpty()) {
      throw new PkiException("empty certificate chain");
    }
    try {
      Set<TrustAnchor> trustAnchors = new LinkedHashSet<>();
      for (X509Certificate anchor : anchors) {
        trustAnchors.add(new TrustAnchor(anchor, null));
      }
      // The anchor itself must not be in the path PKIX validates; drop it if a peer sent it.
      List<X509Certificate> path = chain.stream().filter(c -> !anchors.contains(c)).toList();
      if (path.isEmpty()) {
        checkValidity(chain.getFirst(), at);
        return;
      }
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(trustAnchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(at));
      CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
    } catch (CertPathValidatorException e) {
      throw new PkiException("certificate chain does not verify against the trust anchors: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot verify certificate chain: " + e.getMessage(), e);
    }
  }

  /** Verifies the chain and that its leaf names exactly {@code expected} among its DNS SANs. */
  public void verifyIdentity(List<X509Certificate> chain, IdentityName expected, Instant at) {
    verify(chain, at);
    List<String> names = Certificates.dnsNames(chain.getFirst());
    if (!names.contains(expected.value())) {
      throw new PkiException("certificate names " + names + ", expected identity " + expected);
    }
  }

  public String toPem() {
    return Pem.encode(anchors);
  }

  private static void checkValidity(X509Certificate certificate, Instant at) {
    try {
      certificate.checkValidity(Date.from(at));
    } catch (GeneralSecurityException e) {
      throw new PkiException("certificate is not valid at " + at + ": " + e.getMessage(), e);
    }
  }
}
