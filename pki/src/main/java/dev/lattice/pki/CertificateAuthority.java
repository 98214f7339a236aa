package dev.lattice.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Signs certificates: self-signed trust anchors, issuers under an anchor, and workload leaves.
 *
 * <p>Instances are immutable and thread-safe; the identity service keeps one per loaded issuer and
 * swaps the reference when the issuer is reloaded.
 */
public final class CertificateAuthority {
  private static final SecureRandom SERIALS = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final String signatureAlgorithm;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {
    this.certificate = certificate;
    this.key = key;
    this.chain = List.copyOf(chain);
    this.signatureAlgorithm = KeyPairs.signatureAlgorithmFor(certificate.getPublicKey());
  }

  /**
   * A CA that signs with {@code key} as {@code certificate}. {@code chain} starts with
   * {@code certificate} and goes up to, not including, the trust anchor (for a self-signed anchor:
   * just the anchor).
   */
  public static CertificateAuthority of(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {
    if (!KeyPairs.matches(key, certificate.getPublicKey())) {
      throw new PkiException("the private key does not belong to the certificate " + subject(certificate));
    }
    if (certificate.getBasicConstraints() < 0) {
      throw new PkiException("certificate " + subject(certificate) + " is not a CA (BasicConstraints CA:false)");
    }
    if (chain.isEmpty() || !chain.getFirst().equals(certificate)) {
      throw new IllegalArgumentException("chain must start with the CA's own certificate");
    }
    return new CertificateAuthority(certificate, key, chain);
  }

  /** Creates a self-signed trust anchor. */
  public static CertificateAuthority createRoot(CaProfile profile, KeyPair keys, Instant now) {
    X500Name name = commonNameOnly(profile.commonName());
    X509Certificate root = build(
        caBuilder(name, name, keys.getPublic(), profile, now, null), keys.getPrivate(), keys.getPublic());
    return new CertificateAuthority(root, keys.getPrivate(), List.of(root));
  }

  /** Creates an intermediate CA (an identity issuer) signed by this CA. */
  public CertificateAuthority createIntermediate(CaProfile profile, KeyPair keys, Instant now) {
    X500Name name = commonNameOnly(profile.commonName());
    X509Certificate issued = build(
        caBuilder(issuerName(), name, keys.getPublic(), profile, now, certificate), key, certificate.getPublicKey());
    if (issued.getNotAfter().after(certificate.getNotAfter())) {
      // An issuer that outlives its anchor fails verification after the anchor expires anyway; say so now.
      throw new PkiException("issuer would outlive its CA (CA valid until " + certificate.getNotAfter().toInstant()
          + "); choose a shorter lifetime");
    }
    List<X509Certificate> newChain = new java.util.ArrayList<>();
    newChain.add(issued);
    if (!isSelfSigned(certificate)) {
      newChain.addAll(chain);
    }
    return new CertificateAuthority(issued, keys.getPrivate(), newChain);
  }

  /**
   * Issues a workload leaf for {@code identity} to {@code publicKey}. NotBefore is backdated by
   * {@code clockSkew} so peers with slightly slow clocks accept it; NotAfter is
   * {@code now + lifetime + clockSkew}, clamped to this CA's own NotAfter.
   */
  public IssuedCertificate issueLeaf(
      IdentityName identity, PublicKey publicKey, Instant now, Duration lifetime, Duration clockSkew) {
    Instant notBefore = now.minus(clockSkew);
    Instant notAfter = now.plus(lifetime).plus(clockSkew);
    Instant caNotAfter = earliestNotAfter();
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    try {
      // A fresh signer and digest per leaf: BouncyCastle's ContentSigner and JcaX509ExtensionUtils wrap
      // one java.security.Signature / MessageDigest each and corrupt signatures when shared by threads.
      ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm).build(key);
      JcaX509ExtensionUtils extensionUtils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          issuerName(), serial(), Date.from(notBefore), Date.from(notAfter),
          commonNameOnly(identity.value()), publicKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, identity.value())));
      builder.addExtension(Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(publicKey));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          extensionUtils.createAuthorityKeyIdentifier(certificate));
      X509Certificate leaf = Pem.toX509(builder.build(signer).getEncoded());
      return new IssuedCertificate(leaf, chain);
    } catch (java.io.IOException | java.security.GeneralSecurityException | OperatorCreationException e) {
      throw new PkiException("cannot issue a leaf for " + identity + ": " + e.getMessage(), e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Only for writing the CA's key where an operator asked for it; workload keys never come here. */
  public PrivateKey privateKey() {
    return key;
  }

  /** This CA's certificate followed by its own issuers, up to (not including) the trust anchor. */
  public List<X509Certificate> chain() {
    return chain;
  }

  private Instant earliestNotAfter() {
    Instant earliest = certificate.getNotAfter().toInstant();
    for (X509Certificate c : chain) {
      if (c.getNotAfter().toInstant().isBefore(earliest)) {
        earliest = c.getNotAfter().toInstant();
      }
    }
    return earliest;
  }

  /**
   * A subject of one CN, as a UTF8String. Built from an RDN rather than parsed from "CN=…": the string
   * form refuses CNs over 64 characters (RFC 5280's ub-common-name), but identity names reach 253 and
   * Linkerd puts them in the CN whole; and it would read commas or plus signs in a CA name as syntax.
   */
  private static X500Name commonNameOnly(String commonName) {
    return new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(commonName))});
  }

  private X500Name issuerName() {
    return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
  }

  private static X509v3CertificateBuilder caBuilder(
      X500Name issuer, X500Name subject, PublicKey publicKey, CaProfile profile, Instant now,
      X509Certificate parent) {
    try {
      var utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          issuer, serial(), Date.from(now.minus(Duration.ofMinutes(1))),
          Date.from(now.plus(profile.lifetime())), subject, publicKey);
      builder.addExtension(Extension.basicConstraints, true,
          profile.pathLength() < 0 ? new BasicConstraints(true) : new BasicConstraints(profile.pathLength()));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
      if (parent != null) {
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(parent));
      }
      return builder;
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new PkiException("cannot build CA certificate: " + e.getMessage(), e);
    }
  }

  private static X509Certificate build(X509v3CertificateBuilder builder, PrivateKey signingKey, PublicKey signingPublic) {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(KeyPairs.signatureAlgorithmFor(signingPublic)).build(signingKey);
      return Pem.toX509(builder.build(signer).getEncoded());
    } catch (OperatorCreationException | java.io.IOException e) {
      throw new PkiException("cannot sign certificate: " + e.getMessage(), e);
    }
  }

  private static BigInteger serial() {
    // 127 random bits: unique across restarts and replicas, unlike a counter, and positive as X.509 wants.
    return new BigInteger(127, SERIALS).add(BigInteger.ONE);
  }

  static boolean isSelfSigned(X509Certificate certificate) {
    if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
      return false;
    }
    try {
      certificate.verify(certificate.getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static String subject(X509Certificate certificate) {
    return "'" + certificate.getSubjectX500Principal().getName() + "'";
  }
}
