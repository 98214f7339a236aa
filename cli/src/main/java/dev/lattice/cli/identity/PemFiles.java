package dev.lattice.cli.identity;

import dev.lattice.cli.CliException;
import dev.lattice.pki.Pem;
import dev.lattice.pki.PkiException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Reads the PEM files named on the command line, and says which file, in which role, is wrong and why
 * ("cannot read the CA certificate (--ca) ca.crt: no such file") instead of a bare I/O error.
 */
public final class PemFiles {
  private PemFiles() {}

  /** Every certificate in {@code file}; {@code role} names the file for messages, e.g. "the CA certificate (--ca)". */
  public static List<X509Certificate> certificates(Path file, String role) {
    String text = read(file, role);
    try {
      return Pem.parseCertificates(text);
    } catch (PkiException e) {
      throw new CliException(role + " " + file + " holds no usable certificate: " + e.getMessage(), e);
    }
  }

  public static PrivateKey privateKey(Path file, String role) {
    String text = read(file, role);
    try {
      return Pem.parsePrivateKey(text);
    } catch (PkiException e) {
      throw new CliException(role + " " + file + " holds no usable private key: " + e.getMessage(), e);
    }
  }

  private static String read(Path file, String role) {
    if (Files.isDirectory(file)) {
      throw new CliException("cannot read " + role + " " + file + ": it is a directory");
    }
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new CliException("cannot read " + role + " " + file + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new CliException("cannot read " + role + " " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new CliException("cannot read " + role + " " + file + ": " + e, e);
    }
  }
}
