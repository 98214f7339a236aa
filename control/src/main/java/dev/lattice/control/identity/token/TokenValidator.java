package dev.lattice.control.identity.token;

/**
 * Decides which service account a Certify token belongs to. Called from gRPC worker threads (never an
 * event loop), so an implementation may block on I/O such as a TokenReview call; it must be
 * thread-safe and must report trouble as a {@link TokenValidation} rather than throw.
 */
@FunctionalInterface
public interface TokenValidator {
  TokenValidation validate(byte[] token);
}
