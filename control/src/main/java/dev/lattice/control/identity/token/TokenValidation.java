package dev.lattice.control.identity.token;

import dev.lattice.pki.IdentityName;
import java.util.Objects;

/**
 * What a {@link TokenValidator} found. Each outcome maps to one gRPC status in the identity service,
 * matching what Linkerd's identity controller returns for the same situation.
 */
public sealed interface TokenValidation {

  /** The token proves the caller runs as {@code serviceAccount} in {@code namespace}. */
  record Authenticated(String serviceAccount, String namespace) implements TokenValidation {
    public Authenticated {
      checkLabel("serviceAccount", serviceAccount);
      checkLabel("namespace", namespace);
    }

    /** {@code <sa>.<ns>.serviceaccount.identity.<controlPlaneNamespace>.<trustDomain>}. */
    public IdentityName identity(String controlPlaneNamespace, String trustDomain) {
      return IdentityName.forServiceAccount(serviceAccount, namespace, controlPlaneNamespace, trustDomain);
    }
  }

  /** The token is well formed but does not authenticate anyone (unknown, revoked, expired). */
  record Rejected(String reason) implements TokenValidation {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The token authenticated, but what it says cannot be used (e.g. a username not of the form system:TYPE:NS:SA). */
  record Malformed(String reason) implements TokenValidation {
    public Malformed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The validator could not decide (e.g. the Kubernetes API was unreachable). */
  record Failed(String reason) implements TokenValidation {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  private static void checkLabel(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.contains(".")) {
      throw new IllegalArgumentException(what + ": '" + value + "' (expected: a DNS-1123 label, no dots)");
    }
    String problem = IdentityName.problemWith(value);
    if (problem != null) {
      throw new IllegalArgumentException(what + ": '" + value + "' (expected: a DNS-1123 label; " + problem + ")");
    }
  }
}
