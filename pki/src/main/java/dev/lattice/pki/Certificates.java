package dev.lattice.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;

/** Facts read off a certificate, named the way operators talk about them. */
public final class Certificates {
  private static final int SAN_DNS = 2;

  private Certificates() {}

  public static List<String> dnsNames(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    for (List<?> san : subjectAlternativeNames(certificate)) {
      if (((Integer) san.get(0)) == SAN_DNS) {
        names.add((String) san.get(1));
      }
    }
    return names;
  }

  /** Every SAN as {@code DNS:…}, {@code URI:…}, {@code IP:…}, {@code email:…}. */
  public static List<String> describeSubjectAlternativeNames(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    for (List<?> san : subjectAlternativeNames(certificate)) {
      String kind = switch ((Integer) san.get(0)) {
        case 1 -> "email";
        case 2 -> "DNS";
        case 6 -> "URI";
        case 7 -> "IP";
        default -> "type" + san.get(0);
      };
      names.add(kind + ":" + san.get(1));
    }
    return names;
  }

  /** e.g. {@code ECDSA P-256}, {@code RSA 2048}. */
  public static String keyAlgorithm(X509Certificate certificate) {
    return switch (certificate.getPublicKey()) {
      case ECPublicKey ec -> "ECDSA " + curveName(ec);
      case RSAPublicKey rsa -> "RSA " + rsa.getModulus().bitLength();
      default -> certificate.getPublicKey().getAlgorithm();
    };
  }

  /** True for what Linkerd accepts as anchors and issuers: ECDSA P-256 or RSA 2048/4096 signed with SHA-256. */
  public static boolean hasSupportedAlgorithm(X509Certificate certificate, boolean allowRsa) {
    String signature = certificate.getSigAlgName();
    if (KeyPairs.isP256(certificate.getPublicKey())) {
      return signature.equals("SHA256withECDSA") || signature.equals("SHA256withRSA");
    }
    if (allowRsa && certificate.getPublicKey() instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      return (bits == 2048 || bits == 4096) && signature.equals("SHA256withRSA");
    }
    return false;
  }

  public static boolean isCa(X509Certificate certificate) {
    return certificate.getBasicConstraints() >= 0;
  }

  public static boolean isSelfSigned(X509Certificate certificate) {
    return CertificateAuthority.isSelfSigned(certificate);
  }

  private static String curveName(ECPublicKey key) {
    return switch (key.getParams().getOrder().bitLength()) {
      case 256 -> "P-256";
      case 384 -> "P-384";
      case 521 -> "P-521";
      default -> key.getParams().getOrder().bitLength() + "-bit curve";
    };
  }

  private static List<List<?>> subjectAlternativeNames(X509Certificate certificate) {
    try {
      var sans = certificate.getSubjectAlternativeNames();
      return sans == null ? List.of() : new ArrayList<>(sans);
    } catch (CertificateParsingException e) {
      throw new PkiException("unreadable subject alternative names: " + e.getMessage(), e);
    }
  }
}
