package dev.lattice.cli.identity;

import dev.lattice.cli.CliException;
import dev.lattice.pki.CertificateAuthority;
import dev.lattice.pki.Pem;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a new CA goes: its certificate (0644) and its PKCS#8 key (0600). Checks both paths before
 * anything is generated, so a refusal leaves the disk exactly as it was.
 */
record CaFiles(Path certificate, Path key) {
  /** Throws unless both files may be written: distinct paths, and either absent or {@code force}. */
  void checkWritable(boolean force) {
    if (certificate.toAbsolutePath().normalize().equals(key.toAbsolutePath().normalize())) {
      throw new CliException("the certificate and the key must go to different files, both are " + certificate);
    }
    for (Path file : new Path[] {certificate, key}) {
      if (Files.isDirectory(file)) {
        throw new CliException(file + " is a directory (expected: a file name)");
      }
      if (!force && Files.exists(file)) {
        throw new CliException(file + " already exists; nothing was written (use --force to overwrite it)");
      }
    }
  }

  /** Writes the key first: a certificate on disk without its key would be useless, the reverse is harmless. */
  void write(CertificateAuthority ca) {
    try {
      Pem.writePrivateKey(key, ca.privateKey());
      Pem.writeCertificates(certificate, ca.chain());
    } catch (UncheckedIOException e) {
      throw new CliException(e.getMessage() + ": " + e.getCause().getMessage(), e);
    }
  }
}
