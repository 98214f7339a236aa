package dev.lattice.proxy.testing;

import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.IssuedCertificate;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import dev.lattice.pki.TrustBundle;
import dev.lattice.proxy.identity.Credentials;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A mesh PKI made at test time: a trust anchor, an issuer under it, leaves for two proxies, and a
 * foreign anchor with a leaf of its own (for "wrong mesh" checks). Nothing is checked in.
 */
public final class TestPki {
  public static final IdentityName CLIENT = new IdentityName("proxy-a.test.serviceaccount.identity.lattice.cluster.local");
  public static final IdentityName SERVER = new IdentityName("proxy-b.test.serviceaccount.identity.lattice.cluster.local");

  public final Instant now = Instant.now();
  public final CertificateAuthority anchor =
      CertificateAuthority.createRoot(CaProfile.root("root.lattice.cluster.local"), KeyPairs.generateP256(), now);
  public final CertificateAuthority issuer =
      anchor.createIntermediate(CaProfile.issuer("identity.lattice.cluster.local"), KeyPairs.generateP256(), now);
  public final CertificateAuthority foreignAnchor =
      CertificateAuthority.createRoot(CaProfile.root("root.other.cluster.local"), KeyPairs.generateP256(), now);
  public final TrustBundle trust = TrustBundle.of(anchor.certificate());

  public Credentials leaf(IdentityName identity) {
    return leaf(identity, issuer, trust);
  }

  /** A leaf for {@code identity} issued by a different mesh's anchor (verifies nowhere here). */
  public Credentials foreignLeaf(IdentityName identity) {
    return leaf(identity, foreignAnchor, TrustBundle.of(foreignAnchor.certificate()));
  }

  private Credentials leaf(IdentityName identity, CertificateAuthority ca, TrustBundle bundle) {
    KeyPair keys = KeyPairs.generateP256();
    IssuedCertificate cert = ca.issueLeaf(identity, keys.getPublic(), now, Duration.ofHours(24), Duration.ofMinutes(1));
    return new Credentials(identity, keys.getPrivate(), cert.chain(), bundle);
  }

  /** Writes {@code name}.crt (chain) and {@code name}.key for external tools (openssl, ProxyMain). */
  public static void write(Path dir, String name, Credentials credentials) {
    Pem.writeCertificates(dir.resolve(name + ".crt"), credentials.chain());
    Pem.writePrivateKey(dir.resolve(name + ".key"), credentials.key());
  }

  public void writeAnchors(Path file) {
    Pem.writeCertificates(file, List.of(anchor.certificate()));
  }
}
