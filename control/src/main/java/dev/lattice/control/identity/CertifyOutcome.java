package dev.lattice.control.identity;

import dev.lattice.pki.IdentityName;
import dev.lattice.pki.IssuedCertificate;

/**
 * The result of one Certify: a leaf, or a refusal saying why. Each refusal is one gRPC status, mapped
 * in {@link IdentityApi} only.
 */
public sealed interface CertifyOutcome {

  record Issued(IdentityName identity, IssuedCertificate certificate, String sha256) implements CertifyOutcome {}

  /** Every way Certify says no; {@link #message()} is what the caller is told. */
  sealed interface Refused extends CertifyOutcome {
    String message();
  }

  /** No issuer loaded yet (UNAVAILABLE). */
  record IssuerNotReady() implements Refused {
    @Override
    public String message() {
      return "cert issuer not ready yet";
    }
  }

  /** A field is missing or unparsable: identity, token, or the CSR's DER or self-signature (INVALID_ARGUMENT). */
  record InvalidRequest(String message) implements Refused {}

  /** The issuer in service is no longer valid against the anchors, e.g. expired (UNKNOWN, as Linkerd). */
  record IssuerInvalid(String message) implements Refused {}

  /** The CSR names something other than exactly the requested identity (FAILED_PRECONDITION). */
  record CsrRejected(String message) implements Refused {}

  /** The token does not authenticate anyone (FAILED_PRECONDITION). */
  record TokenUnauthenticated(String reason) implements Refused {
    @Override
    public String message() {
      return "authentication token could not be authenticated: " + reason;
    }
  }

  /** The token authenticated but its subject is unusable (INVALID_ARGUMENT). */
  record TokenInvalid(String message) implements Refused {}

  /** The token could not be checked at all (INTERNAL). */
  record TokenCheckFailed(String message) implements Refused {}

  /** The token is for another identity (FAILED_PRECONDITION). */
  record IdentityMismatch(IdentityName requested, IdentityName found) implements Refused {
    @Override
    public String message() {
      return "requested identity did not match provided token: requested=" + requested + "; found=" + found;
    }
  }
}
