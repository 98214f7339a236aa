package dev.lattice.cli;

/**
 * A problem the user can fix (a missing file, a bad option value, a refusal to overwrite): the CLI prints
 * its message as {@code lattice: <message>} and exits 1, without a stack trace.
 */
public final class CliException extends RuntimeException {
  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
