package dev.lattice.proxy.identity;

import dev.lattice.pki.IdentityName;
import dev.lattice.pki.TrustBundle;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * What the TLS layers need to speak mTLS as this workload: its identity, its key, the certificate
 * chain presented to peers (leaf first), and the anchors peers' chains must lead to.
 */
public record Credentials(
    IdentityName identity, PrivateKey key, List<X509Certificate> chain, TrustBundle trustAnchors) {
  public Credentials {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain: empty (expected: leaf first)");
    }
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  @Override
  public String toString() {
    // Never print the key.
    return "Credentials[" + identity + ", valid until " + notAfter() + "]";
  }
}
