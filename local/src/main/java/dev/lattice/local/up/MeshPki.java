package dev.lattice.local.up;

import dev.lattice.control.identity.issuer.IssuerFiles;
import dev.lattice.local.state.StateDir;
import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import dev.lattice.pki.PkiException;
import dev.lattice.pki.TrustBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The mesh's trust anchor and issuer in the state directory: generated on the first {@code up} and
 * kept afterwards (so restarting the mesh keeps its root of trust), or taken from the files given with
 * Linkerd's install flags. Either way they are checked before anything starts.
 */
public final class MeshPki {
  /** The files of Linkerd's {@code --identity-trust-anchors-file}, {@code --identity-issuer-*-file} flags. */
  public record External(Path trustAnchors, Path issuerCertificate, Path issuerKey) {}

  private MeshPki() {}

  /** Makes sure the state directory holds a valid anchor and issuer; returns a one-line description. */
  public static String ensure(StateDir dir, Optional<External> external, Instant now) {
    try {
      Files.createDirectories(dir.issuerDirectory(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path cert = dir.issuerDirectory().resolve(IssuerFiles.LINKERD_CERT);
      Path key = dir.issuerDirectory().resolve(IssuerFiles.LINKERD_KEY);
      String how;
      if (external.isPresent()) {
        External e = external.get();
        check(e.trustAnchors(), e.issuerCertificate(), e.issuerKey(), now);
        copy(e.trustAnchors(), dir.trustAnchor());
        copy(e.issuerCertificate(), cert);
        copy(e.issuerKey(), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        how = "from " + e.trustAnchors() + " and " + e.issuerCertificate();
      } else if (Files.exists(dir.trustAnchor()) && Files.exists(cert) && Files.exists(key)) {
        how = "kept from an earlier run";
      } else {
        CertificateAuthority anchor = CertificateAuthority.createRoot(
            CaProfile.root("root.linkerd.cluster.local"), KeyPairs.generateP256(), now);
        CertificateAuthority issuer = anchor.createIntermediate(
            CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), now);
        Pem.writePrivateKey(dir.trustAnchorKey(), anchor.privateKey());
        Pem.writeCertificates(dir.trustAnchor(), List.of(anchor.certificate()));
        Pem.writePrivateKey(key, issuer.privateKey());
        Pem.writeCertificates(cert, issuer.chain());
        how = "generated";
      }
      X509Certificate issuerCert = check(dir.trustAnchor(), cert, key, now);
      return "trust anchor " + Pem.readCertificates(dir.trustAnchor()).getFirst().getSubjectX500Principal().getName()
          + ", issuer " + issuerCert.getSubjectX500Principal().getName() + " valid until "
          + issuerCert.getNotAfter().toInstant() + " (" + how + "; in " + dir.identity() + ")";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the mesh's identity files in " + dir.identity(), e);
    }
  }

  private static X509Certificate check(Path anchors, Path issuerCert, Path issuerKey, Instant now) {
    try {
      List<X509Certificate> chain = Pem.readCertificates(issuerCert);
      PrivateKey key = Pem.readPrivateKey(issuerKey);
      if (!KeyPairs.matches(key, chain.getFirst().getPublicKey())) {
        throw new IllegalArgumentException("the issuer key " + issuerKey + " does not belong to " + issuerCert);
      }
      TrustBundle.parse(Files.readString(anchors)).verify(chain, now);
      return chain.getFirst();
    } catch (PkiException e) {
      throw new IllegalArgumentException("issuer " + issuerCert + " with anchors " + anchors + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + anchors, e);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    if (!from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
