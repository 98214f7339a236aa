package dev.lattice.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM in and out: certificates, PKCS#8 / SEC1 private keys and PKCS#10 requests. */
public final class Pem {
  private Pem() {}

  /** Every certificate in the PEM text, in order. Fails if there is none or anything else is in it. */
  public static List<X509Certificate> parseCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object;
      while ((object = parser.readObject()) != null) {
        if (!(object instanceof X509CertificateHolder holder)) {
          throw new PkiException("expected only CERTIFICATE blocks, found " + describe(object));
        }
        certificates.add(toX509(holder.getEncoded()));
      }
    } catch (IOException e) {
      throw new PkiException("not valid PEM: " + e.getMessage(), e);
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

  /** The one private key in the PEM text: PKCS#8 ({@code PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}). */
  public static PrivateKey parsePrivateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        // SEC1 keys may omit the public point, so convert only the private part.
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      throw new PkiException("expected a PRIVATE KEY or EC PRIVATE KEY block, found " + describe(object));
    } catch (PEMException e) {
      throw new PkiException("unreadable private key: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new PkiException("not valid PEM: " + e.getMessage(), e);
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
    return encodeObjects((Object[]) certificates);
  }

  public static String encode(List<X509Certificate> certificates) {
    return encodeObjects(certificates.toArray());
  }

  /** PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
  public static String encode(PrivateKey key) {
    // Written by hand: BouncyCastle's writer would emit SEC1 ("EC PRIVATE KEY") for EC keys.
    String body = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }

  public static String encodeCsr(byte[] der) {
    try {
      return encodeObjects(new PKCS10CertificationRequest(der));
    } catch (IOException e) {
      throw new PkiException("malformed certificate signing request: " + e.getMessage(), e);
    }
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
          CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
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
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String encodeObjects(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String describe(Object object) {
    return object == null ? "nothing" : object.getClass().getSimpleName();
  }
}
