package dev.lattice.cli.identity;

import dev.lattice.pki.Certificates;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * What an operator wants to know about a certificate, named the way Linkerd's docs and Go's x509 name
 * them (key {@code ECDSA P-256}, signature {@code ECDSA-SHA256}), so the output matches the checks.
 *
 * @param pathLength the BasicConstraints path length of a CA; empty when unlimited or not a CA
 */
public record CertificateFacts(
    String subject,
    List<String> subjectAlternativeNames,
    String issuer,
    BigInteger serial,
    Instant notBefore,
    Instant notAfter,
    String keyAlgorithm,
    String signatureAlgorithm,
    boolean ca,
    OptionalInt pathLength,
    List<String> keyUsage,
    List<String> extendedKeyUsage,
    String sha256Fingerprint) {
  private static final String[] KEY_USAGE = {
    "Digital Signature", "Non Repudiation", "Key Encipherment", "Data Encipherment", "Key Agreement",
    "Certificate Sign", "CRL Sign", "Encipher Only", "Decipher Only"
  };

  public CertificateFacts {
    subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
    keyUsage = List.copyOf(keyUsage);
    extendedKeyUsage = List.copyOf(extendedKeyUsage);
  }

  public static CertificateFacts of(X509Certificate certificate) {
    int constraints = certificate.getBasicConstraints();
    return new CertificateFacts(
        certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
        Certificates.describeSubjectAlternativeNames(certificate),
        certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
        certificate.getSerialNumber(),
        certificate.getNotBefore().toInstant(),
        certificate.getNotAfter().toInstant(),
        Certificates.keyAlgorithm(certificate),
        signatureAlgorithm(certificate),
        constraints >= 0,
        constraints >= 0 && constraints != Integer.MAX_VALUE ? OptionalInt.of(constraints) : OptionalInt.empty(),
        keyUsage(certificate),
        extendedKeyUsage(certificate),
        fingerprint(certificate));
  }

  /** The serial as {@code openssl x509 -serial} prints it: upper-case hex in whole bytes, no separators. */
  public String serialHex() {
    String hex = serial.toString(16).toUpperCase(Locale.ROOT);
    return hex.length() % 2 == 0 ? hex : "0" + hex;
  }

  /** The subject's CN, or the whole subject when it has none. */
  public static String commonName(X509Certificate certificate) {
    String rfc2253 = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    try {
      for (Rdn rdn : new LdapName(rfc2253).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // Cannot happen for a name the JDK itself rendered; fall back to the whole subject.
    }
    return rfc2253;
  }

  /**
   * Go's names for signature algorithms ({@code ECDSA-SHA256}, {@code SHA256-RSA}), which Linkerd's
   * messages use; the JDK calls them {@code SHA256withECDSA} and {@code SHA256withRSA}.
   */
  public static String signatureAlgorithm(X509Certificate certificate) {
    String jdk = certificate.getSigAlgName();
    int with = jdk.indexOf("with");
    if (with < 0) {
      return jdk;
    }
    String digest = jdk.substring(0, with).toUpperCase(Locale.ROOT);
    String key = jdk.substring(with + 4).toUpperCase(Locale.ROOT);
    return key.equals("ECDSA") ? "ECDSA-" + digest : digest + "-" + key;
  }

  private static List<String> keyUsage(X509Certificate certificate) {
    boolean[] bits = certificate.getKeyUsage();
    List<String> usages = new ArrayList<>();
    if (bits != null) {
      for (int i = 0; i < bits.length && i < KEY_USAGE.length; i++) {
        if (bits[i]) {
          usages.add(KEY_USAGE[i]);
        }
      }
    }
    return usages;
  }

  private static List<String> extendedKeyUsage(X509Certificate certificate) {
    try {
      List<String> oids = certificate.getExtendedKeyUsage();
      if (oids == null) {
        return List.of();
      }
      return oids.stream().map(oid -> switch (oid) {
        case "1.3.6.1.5.5.7.3.1" -> "Server Auth";
        case "1.3.6.1.5.5.7.3.2" -> "Client Auth";
        case "1.3.6.1.5.5.7.3.3" -> "Code Signing";
        case "1.3.6.1.5.5.7.3.4" -> "Email Protection";
        case "1.3.6.1.5.5.7.3.8" -> "Time Stamping";
        case "1.3.6.1.5.5.7.3.9" -> "OCSP Signing";
        default -> oid;
      }).toList();
    } catch (CertificateParsingException e) {
      return List.of("(unreadable: " + e.getMessage() + ")");
    }
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint certificate", e);
    }
  }
}
