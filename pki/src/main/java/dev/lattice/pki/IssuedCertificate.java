package dev.lattice.pki;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A leaf and the chain above it up to, not including, the trust anchor.
 *
 * @param intermediates the leaf's issuer first
 */
public record IssuedCertificate(X509Certificate leaf, List<X509Certificate> intermediates) {
  public IssuedCertificate {
    intermediates = List.copyOf(intermediates);
  }

  public Instant notAfter() {
    return leaf.getNotAfter().toInstant();
  }

  /** Leaf first, then the intermediates: the order TLS presents them in. */
  public List<X509Certificate> chain() {
    List<X509Certificate> all = new ArrayList<>(intermediates.size() + 1);
    all.add(leaf);
    all.addAll(intermediates);
    return all;
  }
}
