package dev.lattice.pki;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A workload identity, e.g. {@code web.emojivoto.serviceaccount.identity.linkerd.cluster.local}.
 * It is the certificate's only DNS SAN and the TLS server name peers ask for.
 */
public record IdentityName(String value) {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public IdentityName {
    Objects.requireNonNull(value, "value");
    String problem = problemWith(value);
    if (problem != null) {
      throw new IllegalArgumentException("identity name '" + value + "': " + problem);
    }
  }

  /** Linkerd's naming: {@code <sa>.<ns>.serviceaccount.identity.<control-plane-ns>.<trust-domain>}. */
  public static IdentityName forServiceAccount(
      String serviceAccount, String namespace, String controlPlaneNamespace, String trustDomain) {
    return new IdentityName(
        serviceAccount + "." + namespace + ".serviceaccount.identity." + controlPlaneNamespace + "."
            + trustDomain);
  }

  /** The name of the issuer Linkerd expects: {@code identity.<control-plane-ns>.<trust-domain>}. */
  public static IdentityName issuerName(String controlPlaneNamespace, String trustDomain) {
    return new IdentityName("identity." + controlPlaneNamespace + "." + trustDomain);
  }

  /** Why {@code candidate} is not a valid identity name, or null if it is. */
  public static String problemWith(String candidate) {
    if (candidate.isEmpty()) {
      return "must not be empty";
    }
    if (candidate.length() > 253) {
      return "must be at most 253 characters (got " + candidate.length() + ")";
    }
    if (!candidate.equals(candidate.toLowerCase(Locale.ROOT))) {
      return "must be lower case";
    }
    for (String label : candidate.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return "label '" + label + "' is not a DNS-1123 label (a-z, 0-9, '-', 1-63 characters)";
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return value;
  }
}
