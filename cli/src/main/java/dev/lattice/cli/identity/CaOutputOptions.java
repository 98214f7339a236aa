package dev.lattice.cli.identity;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** CERT, KEY and {@code --force}: where a new CA is written; shared by the {@code create-*} commands. */
final class CaOutputOptions {
  @Parameters(index = "0", paramLabel = "CERT", description = "File to write the certificate to (PEM).")
  Path certificateFile;

  @Parameters(index = "1", paramLabel = "KEY", description = "File to write the private key to (PEM PKCS#8, 0600).")
  Path keyFile;

  @Option(names = "--force", description = "Overwrite CERT and KEY if they exist (default: refuse).")
  boolean force;

  /** The files, checked before anything is generated, so a refusal leaves the disk as it was. */
  CaFiles checked() {
    CaFiles files = new CaFiles(certificateFile, keyFile);
    files.checkWritable(force);
    return files;
  }

  void printWritten(PrintWriter out) {
    out.printf("  certificate: %s%n  key:         %s (mode 0600)%n", certificateFile, keyFile);
    out.flush();
  }
}
