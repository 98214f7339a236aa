package dev.lattice.cli.check;

import dev.lattice.cli.identity.CertificateFacts;
import dev.lattice.cli.identity.PemFiles;
import dev.lattice.pki.Certificates;
import dev.lattice.pki.KeyPairs;
import dev.lattice.pki.PkiException;
import dev.lattice.pki.TrustBundle;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code linkerd-identity} category, run against certificate files instead of the cluster's
 * {@code linkerd-identity-issuer} Secret: anchors and issuer must parse, use supported algorithms, be
 * within validity (warning inside 60 days of expiry) and chain. Checks share what the first one loaded,
 * so one instance serves one run.
 */
public final class IdentityChecks {
  public static final String CATEGORY = "linkerd-identity";
  /** Linkerd warns this long before an anchor or issuer expires. */
  public static final Duration EXPIRY_WARNING = Duration.ofDays(60);

  private final Path anchorsFile;
  private final Path issuerFile;
  private final Optional<Path> issuerKeyFile;
  private final InstantSource clock;
  private List<X509Certificate> anchors;
  private List<X509Certificate> issuerChain;

  public IdentityChecks(Path anchorsFile, Path issuerFile, Optional<Path> issuerKeyFile, InstantSource clock) {
    this.anchorsFile = anchorsFile;
    this.issuerFile = issuerFile;
    this.issuerKeyFile = issuerKeyFile;
    this.clock = clock;
  }

  public CheckCategory category() {
    return new CheckCategory(CATEGORY, List.of(
        Check.fatal("certificate config is valid", "l5d-identity-cert-config-valid", this::configIsValid),
        Check.fatal("trust anchors are using supported crypto algorithm",
            "l5d-identity-trustAnchors-use-supported-crypto",
            () -> eachAnchor("Invalid trust anchors:", a -> algorithmProblem(a, true))),
        Check.fatal("trust anchors are within their validity period", "l5d-identity-trustAnchors-are-time-valid",
            () -> eachAnchor("Invalid anchors:", this::validityProblem)),
        Check.warning("trust anchors are valid for at least 60 days", "l5d-identity-trustAnchors-not-expiring-soon",
            () -> eachAnchor("Anchors expiring soon:", this::expiryProblem)),
        Check.fatal("issuer cert is using supported crypto algorithm",
            "l5d-identity-issuer-cert-uses-supported-crypto",
            () -> issuerProblem("issuer certificate ", algorithmProblem(issuer(), false))),
        Check.fatal("issuer cert is within its validity period", "l5d-identity-issuer-cert-is-time-valid",
            () -> issuerProblem("issuer certificate is ", validityProblem(issuer()))),
        Check.warning("issuer cert is valid for at least 60 days", "l5d-identity-issuer-cert-not-expiring-soon",
            () -> issuerProblem("issuer certificate ", expiryProblem(issuer()))),
        Check.error("issuer cert is issued by the trust anchor", "l5d-identity-issuer-cert-issued-by-trust-anchor",
            this::issuedByAnchor)));
  }

  /** Both files parse as certificates, the issuer is a CA, and the key (when given) is the issuer's. */
  private Verdict configIsValid() {
    anchors = PemFiles.certificates(anchorsFile, "the trust anchors file (--identity-trust-anchors-file)");
    issuerChain = PemFiles.certificates(issuerFile,
        "the issuer certificate file (--identity-issuer-certificate-file)");
    if (!Certificates.isCa(issuer())) {
      return Verdict.problem("issuer certificate " + describe(issuer()) + " in " + issuerFile
          + " is not a CA (BasicConstraints CA:false)");
    }
    if (issuerKeyFile.isPresent()) {
      PrivateKey key = PemFiles.privateKey(issuerKeyFile.get(), "the issuer key file (--identity-issuer-key-file)");
      if (!KeyPairs.matches(key, issuer().getPublicKey())) {
        return Verdict.problem("the issuer key in " + issuerKeyFile.get()
            + " does not belong to the issuer certificate in " + issuerFile);
      }
    }
    return Verdict.ok();
  }

  private Verdict issuedByAnchor() {
    try {
      new TrustBundle(anchors).verify(issuerChain, clock.instant());
      return Verdict.ok();
    } catch (PkiException e) {
      // pki's message repeats what this line already says; the JDK validator's reason is the useful part.
      String reason = e.getCause() != null && e.getCause().getMessage() != null
          ? e.getCause().getMessage() : e.getMessage();
      return Verdict.problem("issuer certificate " + describe(issuer()) + " does not chain to the trust anchors in "
          + anchorsFile + ": " + reason);
    }
  }

  /** One line per offending anchor, under {@code heading}, in Linkerd's {@code * <serial> <CN> <problem>} form. */
  private Verdict eachAnchor(String heading, Function<X509Certificate, String> problem) {
    List<String> lines = new ArrayList<>();
    for (X509Certificate anchor : anchors) {
      String found = problem.apply(anchor);
      if (found != null) {
        lines.add("* " + anchor.getSerialNumber() + " " + CertificateFacts.commonName(anchor) + " " + found);
      }
    }
    return lines.isEmpty() ? Verdict.ok() : Verdict.problem(heading + "\n\t" + String.join("\n\t", lines));
  }

  private static Verdict issuerProblem(String prefix, String problem) {
    return problem == null ? Verdict.ok() : Verdict.problem(prefix + problem);
  }

  /**
   * Null when the key is ECDSA P-256 (or, for anchors, RSA 2048/4096) and the signature uses SHA-256 with
   * ECDSA or RSA; else what is wrong.
   */
  private static String algorithmProblem(X509Certificate certificate, boolean allowRsa) {
    if (Certificates.hasSupportedAlgorithm(certificate, allowRsa)) {
      return null;
    }
    String key = Certificates.keyAlgorithm(certificate);
    boolean keyOk = KeyPairs.isP256(certificate.getPublicKey()) || allowRsa && (key.equals("RSA 2048")
        || key.equals("RSA 4096"));
    if (!keyOk) {
      return "must use " + (allowRsa ? "ECDSA P-256 or RSA 2048/4096" : "ECDSA P-256")
          + " for its public key, instead " + key + " was used";
    }
    return "must be signed with ECDSA-SHA256 or SHA256-RSA, instead "
        + CertificateFacts.signatureAlgorithm(certificate) + " was used";
  }

  private String validityProblem(X509Certificate certificate) {
    Instant now = clock.instant();
    if (certificate.getNotBefore().toInstant().isAfter(now)) {
      return "not valid before: " + certificate.getNotBefore().toInstant();
    }
    if (certificate.getNotAfter().toInstant().isBefore(now)) {
      return "not valid anymore. Expired on " + certificate.getNotAfter().toInstant();
    }
    return null;
  }

  private String expiryProblem(X509Certificate certificate) {
    Instant notAfter = certificate.getNotAfter().toInstant();
    return clock.instant().plus(EXPIRY_WARNING).isAfter(notAfter) ? "will expire on " + notAfter : null;
  }

  private X509Certificate issuer() {
    return issuerChain.getFirst();
  }

  private static String describe(X509Certificate certificate) {
    return "'" + certificate.getSubjectX500Principal().getName() + "'";
  }
}
