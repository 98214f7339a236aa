package dev.lattice.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * PEM in and out: certificates, PKCS#8 / SEC1 private keys and PKCS#10 requests.
 *
 * <p>Everything the proxy calls here (reading certificates and keys, writing certificates and keys)
 * uses the JDK alone. BouncyCastle's bcprov is a signed jar, and loading its first class makes the
 * JDK keep the jar's whole manifest in the heap for the life of the process: megabytes a sidecar
 * cannot spare. Only {@link #encodeCsr}, which the control plane uses, touches BouncyCastle.
 */
public final class Pem {
  private static final String CERTIFICATE = "CERTIFICATE";
  private static final String PRIVATE_KEY = "PRIVATE KEY";
  private static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";
  private static final String EC_PARAMETERS = "EC PARAMETERS";

  private Pem() {}

  /** Every certificate in the PEM text, in order. Fails if there is none or anything else is in it. */
  public static List<X509Certificate> parseCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (PemBlocks.Block block : PemBlocks.read(pem)) {
      if (!block.label().equals(CERTIFICATE)) {
        throw new PkiException("expected only CERTIFICATE blocks, found " + block.label());
      }
      try {
        certificates.add(toX509(block.der()));
      } catch (PkiException e) {
        throw new PkiException("CERTIFICATE block " + (certificates.size() + 1) + ": " + e.getMessage(), e);
      }
    }
    if (certificates.isEmpty()) {
      throw new PkiException("no CERTIFICATE block found");
    }
    return List.copyOf(certificates);
  }

  public static List<X509Certificate> readCertificates(Path file) {
    try {
      return parseCertificates(Files.readString(file));
    } catch (IOException e) {
      throw new PkiException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (PkiException e) {
      throw new PkiException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The one private key in the PEM text: PKCS#8 ({@code PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}).
   * {@code EC PARAMETERS} blocks, which {@code openssl ecparam -genkey} writes before the key, are skipped.
   */
  public static PrivateKey parsePrivateKey(String pem) {
    PemBlocks.Block key = null;
    for (PemBlocks.Block block : PemBlocks.read(pem)) {
      switch (block.label()) {
        case PRIVATE_KEY, EC_PRIVATE_KEY -> {
          if (key != null) {
            throw new PkiException("expected one private key, found a second " + block.label() + " block");
          }
          key = block;
        }
        case EC_PARAMETERS -> { }
        default -> throw new PkiException(
            "expected a PRIVATE KEY or EC PRIVATE KEY block, found " + block.label());
      }
    }
    if (key == null) {
      throw new PkiException("no PRIVATE KEY or EC PRIVATE KEY block found");
    }
    try {
      return key.label().equals(PRIVATE_KEY) ? PrivateKeys.fromPkcs8(key.der()) : PrivateKeys.fromSec1(key.der());
    } finally {
      Arrays.fill(key.der(), (byte) 0);
    }
  }

  public static PrivateKey readPrivateKey(Path file) {
    try {
      return parsePrivateKey(Files.readString(file));
    } catch (IOException e) {
      throw new PkiException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (PkiException e) {
      throw new PkiException(file + ": " + e.getMessage(), e);
    }
  }

  public static String encode(X509Certificate... certificates) {
    return encode(Arrays.asList(certificates));
  }

  public static String encode(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      try {
        out.append(armor(CERTIFICATE, certificate.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new PkiException("cannot encode certificate " + certificate.getSubjectX500Principal() + ": "
            + e.getMessage(), e);
      }
    }
    return out.toString();
  }

  /** PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), never SEC1, whatever the key type. */
  public static String encode(PrivateKey key) {
    return armor(PRIVATE_KEY, key.getEncoded());
  }

  /** A DER request as {@code CERTIFICATE REQUEST} PEM; fails if it is not a well-formed request. */
  public static String encodeCsr(byte[] der) {
    CertificateRequestParser.requireWellFormed(der);
    return armor("CERTIFICATE REQUEST", der);
  }

  /** Writes a certificate chain, world-readable. */
  public static void writeCertificates(Path file, List<X509Certificate> certificates) {
    write(file, encode(certificates), "rw-r--r--");
  }

  /** Writes a CA private key readable by its owner only (0600). */
  public static void writePrivateKey(Path file, PrivateKey key) {
    write(file, encode(key), "rw-------");
  }

  static X509Certificate toX509(byte[] der) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new PkiException("not a valid X.509 certificate: " + e.getMessage(), e);
    }
  }

  private static void write(Path file, String text, String permissions) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      // Create with the final permissions before writing, so a key is never briefly world-readable.
      Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** RFC 7468 armor with 64-character lines, as openssl and BouncyCastle write it. */
  private static String armor(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }
}
