package dev.lattice.control.identity;

import dev.lattice.control.events.Event;
import dev.lattice.control.identity.issuer.IssuerReloader;
import java.time.Instant;

/**
 * The identity service's events, with Linkerd's reasons and the objects Linkerd attaches them to:
 * issuer events on the controller's Deployment, leaf events on the workload's ServiceAccount.
 */
public final class IdentityEvents {
  public static final String ISSUED_LEAF_CERTIFICATE = "IssuedLeafCertificate";
  public static final String ISSUER_VALIDATION_FAILED = "IssuerValidationFailed";
  public static final String ISSUER_UPDATED = IssuerReloader.ISSUER_UPDATED;
  public static final String ISSUER_UPDATE_SKIPPED = IssuerReloader.ISSUER_UPDATE_SKIPPED;
  /** Kept byte-for-byte from Linkerd so `kubectl get events` filters carry over. */
  public static final String CONTROLLER_DEPLOYMENT = "linkerd-identity";

  private IdentityEvents() {}

  /** Deployment {@code linkerd-identity} in the control-plane namespace. */
  public static Event.ObjectRef controller(String controlPlaneNamespace) {
    return new Event.ObjectRef("Deployment", controlPlaneNamespace, CONTROLLER_DEPLOYMENT);
  }

  static Event issuedLeaf(String namespace, String serviceAccount, String identity, Instant notAfter, String sha256) {
    return Event.normal(ISSUED_LEAF_CERTIFICATE,
        "issued certificate for " + identity + " until " + notAfter + ": " + sha256,
        new Event.ObjectRef("ServiceAccount", namespace, serviceAccount));
  }

  static Event issuerValidationFailed(String controlPlaneNamespace, String reason) {
    return Event.warning(ISSUER_VALIDATION_FAILED, reason, controller(controlPlaneNamespace));
  }
}
