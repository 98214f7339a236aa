package dev.lattice.control.testing;

import dev.lattice.pki.CaProfile;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.Pem;
import dev.lattice.pki.TrustBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Test PKI made at test time: a root, issuers under it, issuer directories on disk, odd CSRs. */
public final class TestPki {
  public static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
  public static final IdentityName WEB =
      IdentityName.forServiceAccount("web", "emojivoto", "linkerd", "cluster.local");
  public static final IdentityName EMOJI =
      IdentityName.forServiceAccount("emoji", "emojivoto", "linkerd", "cluster.local");

  public final CertificateAuthority root;
  public final CertificateAuthority issuer;
  public final TrustBundle anchors;

  public TestPki() {
    root = CertificateAuthority.createRoot(CaProfile.root("root.linkerd.cluster.local"), KeyPairs.generateP256(), NOW);
    issuer = newIssuer();
    anchors = TrustBundle.of(root.certificate());
  }

  public CertificateAuthority newIssuer() {
    return root.createIntermediate(
        CaProfile.issuer("identity.linkerd.cluster.local"), KeyPairs.generateP256(), NOW);
  }

  public CertificateAuthority newIssuer(Duration lifetime, Instant at) {
    return root.createIntermediate(
        CaProfile.issuer("identity.linkerd.cluster.local").withLifetime(lifetime), KeyPairs.generateP256(), at);
  }

  /** Writes the anchors to {@code file}. */
  public Path writeAnchors(Path file) {
    Pem.writeCertificates(file, anchors.anchors());
    return file;
  }

  /** Writes {@code crt.pem} + {@code key.pem} into {@code directory}, each by atomic rename. */
  public static void writeIssuer(Path directory, List<X509Certificate> chain, PrivateKey key) {
    Pem.writeCertificates(directory.resolve("crt.pem"), chain);
    Pem.writePrivateKey(directory.resolve("key.pem"), key);
  }

  public static void writeIssuer(Path directory, CertificateAuthority ca) {
    writeIssuer(directory, ca.chain(), ca.privateKey());
  }

  /**
   * Publishes a new generation into a Kubernetes-style secret volume: files in a fresh
   * {@code ..<generation>} directory, a {@code ..data_tmp} symlink renamed over {@code ..data}, and
   * {@code crt.pem}/{@code key.pem} symlinks through {@code ..data} (created on first use).
   */
  public static void publishKubernetesStyle(Path directory, List<X509Certificate> chain, PrivateKey key) {
    try {
      Path generation = Files.createTempDirectory(directory, "..2026_11_30_");
      writeIssuer(generation, chain, key);
      Path tmpLink = directory.resolve("..data_tmp");
      Files.deleteIfExists(tmpLink);
      Files.createSymbolicLink(tmpLink, generation.getFileName());
      Files.move(tmpLink, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      for (String name : List.of("crt.pem", "key.pem")) {
        Path link = directory.resolve(name);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of("..data", name));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void publishKubernetesStyle(Path directory, CertificateAuthority ca) {
    publishKubernetesStyle(directory, ca.chain(), ca.privateKey());
  }

  /** A DER CSR with any subject CN (empty for none) and SANs, for {@code publicKey}, signed by {@code signingKey}. */
  public static byte[] csr(String commonName, List<GeneralName> sans, PublicKey publicKey, PrivateKey signingKey) {
    try {
      var builder = new JcaPKCS10CertificationRequestBuilder(
          commonName.isEmpty() ? new X500Name(new org.bouncycastle.asn1.x500.RDN[0]) : new X500Name("CN=" + commonName),
          publicKey);
      if (!sans.isEmpty()) {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(sans.toArray(GeneralName[]::new)));
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey)).getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] csr(String commonName, List<GeneralName> sans, KeyPair keys) {
    return csr(commonName, sans, keys.getPublic(), keys.getPrivate());
  }

  public static GeneralName dns(String name) {
    return new GeneralName(GeneralName.dNSName, name);
  }

  public static GeneralName uri(String uri) {
    return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
  }
}
