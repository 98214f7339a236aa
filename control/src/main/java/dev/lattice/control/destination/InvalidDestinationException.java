package dev.lattice.control.destination;

/** The path names nothing this service can look up; the client sent a bad request. */
public final class InvalidDestinationException extends Exception {
  public InvalidDestinationException(String message) {
    super(message);
  }
}
