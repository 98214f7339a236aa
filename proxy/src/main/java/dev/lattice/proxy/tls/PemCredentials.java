package dev.lattice.proxy.tls;

import dev.lattice.pki.Certificates;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import dev.lattice.pki.PkiException;
import dev.lattice.pki.TrustBundle;
import dev.lattice.proxy.config.ProxyConfig.StaticIdentity;
import dev.lattice.proxy.identity.Credentials;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Loads fixed credentials from PEM files (benchmarks, tests, until the identity client runs). Checks
 * up front that the key matches the leaf and the chain verifies, so a bad file fails at startup
 * with a clear message rather than at the first handshake.
 */
public final class PemCredentials {
  private PemCredentials() {}

  public static Credentials load(StaticIdentity files, Instant now) {
    List<X509Certificate> chain = Pem.readCertificates(files.certFile());
    if (chain.isEmpty()) {
      throw new PkiException(files.certFile() + ": no certificate found");
    }
    PrivateKey key = Pem.readPrivateKey(files.keyFile());
    if (!KeyPairs.matches(key, chain.getFirst().getPublicKey())) {
      throw new PkiException(files.keyFile() + ": key does not match the certificate in " + files.certFile());
    }
    TrustBundle anchors = TrustBundle.parse(files.trustAnchorsPem());
    List<String> names = Certificates.dnsNames(chain.getFirst());
    IdentityName identity = files.localName().orElseGet(() -> {
      if (names.isEmpty()) {
        throw new PkiException(files.certFile() + ": leaf has no DNS SAN to take the identity from");
      }
      return new IdentityName(names.getFirst());
    });
    anchors.verifyIdentity(chain, identity, now);
    return new Credentials(identity, key, chain, anchors);
  }
}
