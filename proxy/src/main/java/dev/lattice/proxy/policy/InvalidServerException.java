package dev.lattice.proxy.policy;

/** A {@code Server} from the policy service that the proxy cannot use; the message says what is wrong. */
public final class InvalidServerException extends Exception {
  public InvalidServerException(String message) {
    super(message);
  }
}
