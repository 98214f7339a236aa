package dev.lattice.pki;

/** A certificate, key or request that cannot be used, with a message that says why. */
public class PkiException extends RuntimeException {
  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
