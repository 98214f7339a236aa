package dev.lattice.pki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A child-JVM program doing what a proxy does with this module: load a PEM chain, key and trust
 * anchors the way {@code PemCredentials} does, then build a CSR as {@code IdentityClient} does.
 * Prints the CSR so the parent can check it. With {@code --then-parse} it also parses the CSR, the
 * control plane's BouncyCastle path, so the parent can see its class-load check would catch BC.
 *
 * <p>Must not name a BouncyCastle type itself.
 */
public final class ProxySidePki {
  private ProxySidePki() {}

  public static void main(String[] args) throws Exception {
    Path chainFile = Path.of(args[0]);
    Path anchorsFile = Path.of(args[1]);
    IdentityName identity = new IdentityName(args[2]);
    List<X509Certificate> chain = Pem.readCertificates(chainFile);
    TrustBundle anchors = TrustBundle.parse(Files.readString(anchorsFile));
    anchors.verifyIdentity(chain, identity, Instant.now());
    if (!Certificates.dnsNames(chain.getFirst()).contains(identity.value())) {
      throw new IllegalStateException("leaf does not name " + identity);
    }
    for (int i = 4; i < args.length; i++) {
      PrivateKey key = Pem.readPrivateKey(Path.of(args[i]));
      System.out.println("key " + args[i] + " " + key.getAlgorithm());
    }
    System.out.println("anchors " + Pem.parseCertificates(anchors.toPem()).size());

    KeyPair keys = KeyPairs.generateP256();
    byte[] csr = CertificateRequests.create(identity, keys);
    System.out.println("csr " + Base64.getEncoder().encodeToString(csr));
    if (args[3].equals("--then-parse")) {
      System.out.println("parsed " + CertificateRequests.parse(csr).commonName());
    }
  }
}
