package dev.lattice.control.identity;

import dev.lattice.control.events.EventSink;
import dev.lattice.control.identity.CertifyOutcome.CsrRejected;
import dev.lattice.control.identity.CertifyOutcome.IdentityMismatch;
import dev.lattice.control.identity.CertifyOutcome.InvalidRequest;
import dev.lattice.control.identity.CertifyOutcome.IssuerInvalid;
import dev.lattice.control.identity.CertifyOutcome.IssuerNotReady;
import dev.lattice.control.identity.CertifyOutcome.Issued;
import dev.lattice.control.identity.CertifyOutcome.TokenCheckFailed;
import dev.lattice.control.identity.CertifyOutcome.TokenInvalid;
import dev.lattice.control.identity.CertifyOutcome.TokenUnauthenticated;
import dev.lattice.control.identity.issuer.Issuer;
import dev.lattice.control.identity.issuer.IssuerSource;
import dev.lattice.control.identity.token.TokenValidation;
import dev.lattice.control.identity.token.TokenValidator;
import dev.lattice.pki.CertificateRequest;
import dev.lattice.pki.CertificateRequests;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.IssuedCertificate;
import dev.lattice.pki.PkiException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Decides one Certify request, in Linkerd's order, and signs the leaf when every check passes:
 * <ol>
 *   <li>an issuer is loaded, else {@link IssuerNotReady};</li>
 *   <li>identity, token and CSR are present, the identity is a valid name, the CSR is DER whose
 *       self-signature verifies, else {@link InvalidRequest};</li>
 *   <li>the issuer is still valid now, else {@link IssuerInvalid} (and an {@code IssuerValidationFailed} event);</li>
 *   <li>the CSR names exactly the identity (one DNS SAN, CN empty or equal, nothing else, P-256 key),
 *       else {@link CsrRejected};</li>
 *   <li>the token authenticates a service account, else {@link TokenUnauthenticated}, {@link TokenInvalid}
 *       or {@link TokenCheckFailed};</li>
 *   <li>that service account's identity is the requested one, else {@link IdentityMismatch}.</li>
 * </ol>
 * Cheap checks come first so a malformed request never costs a token lookup. The leaf is valid from
 * {@code now - skew} to {@code now + lifetime + skew}, clamped to the issuer chain's expiry.
 *
 * <p>Thread-safe and blocking (token validation may do I/O): call it from a worker thread.
 */
public final class Certifier {
  private final IssuerSource issuers;
  private final TokenValidator tokens;
  private final IdentityConfig config;
  private final InstantSource clock;
  private final EventSink events;

  public Certifier(
      IssuerSource issuers, TokenValidator tokens, IdentityConfig config, InstantSource clock, EventSink events) {
    this.issuers = issuers;
    this.tokens = tokens;
    this.config = config;
    this.clock = clock;
    this.events = events;
  }

  public CertifyOutcome certify(String identity, byte[] token, byte[] csrDer) {
    Optional<Issuer> loaded = issuers.current();
    if (loaded.isEmpty()) {
      return new IssuerNotReady();
    }
    Issuer issuer = loaded.get();
    if (identity.isEmpty()) {
      return new InvalidRequest("missing identity");
    }
    if (token.length == 0) {
      return new InvalidRequest("missing token");
    }
    if (csrDer.length == 0) {
      return new InvalidRequest("missing certificate signing request");
    }
    IdentityName requested;
    try {
      requested = new IdentityName(identity);
    } catch (IllegalArgumentException e) {
      return new InvalidRequest("invalid identity: " + e.getMessage());
    }
    CertificateRequest csr;
    try {
      csr = CertificateRequests.parse(csrDer);
    } catch (PkiException e) {
      return new InvalidRequest(e.getMessage());
    }

    Instant now = clock.instant();
    String issuerProblem = issuer.problemAt(now);
    if (issuerProblem != null) {
      events.emit(IdentityEvents.issuerValidationFailed(config.controlPlaneNamespace(), issuerProblem));
      return new IssuerInvalid(issuerProblem);
    }
    String namingProblem = csr.problemNaming(requested);
    if (namingProblem != null) {
      return new CsrRejected(namingProblem);
    }

    TokenValidation.Authenticated caller;
    switch (tokens.validate(token)) {
      case TokenValidation.Authenticated authenticated -> caller = authenticated;
      case TokenValidation.Rejected rejected -> {
        return new TokenUnauthenticated(rejected.reason());
      }
      case TokenValidation.Malformed malformed -> {
        return new TokenInvalid(malformed.reason());
      }
      case TokenValidation.Failed failed -> {
        return new TokenCheckFailed("cannot validate token: " + failed.reason());
      }
    }
    IdentityName found = caller.identity(config.controlPlaneNamespace(), config.trustDomain());
    if (!found.equals(requested)) {
      return new IdentityMismatch(requested, found);
    }

    IssuedCertificate issued = issuer.authority().issueLeaf(
        requested, csr.publicKey(), now, config.issuanceLifetime(), config.clockSkewAllowance());
    String sha256 = sha256Hex(issued);
    events.emit(IdentityEvents.issuedLeaf(
        caller.namespace(), caller.serviceAccount(), requested.value(), issued.notAfter(), sha256));
    return new Issued(requested, issued, sha256);
  }

  private static String sha256Hex(IssuedCertificate issued) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(issued.leaf().getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a leaf we just signed", e);
    }
  }
}
