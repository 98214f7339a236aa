package dev.lattice.control.destination;

/** The path is well-formed but no such service exists. */
public final class UnknownServiceException extends Exception {
  public UnknownServiceException(Target target) {
    super("no service " + target);
  }
}
