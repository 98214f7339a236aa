package dev.lattice.control.identity;

import dev.lattice.pki.IdentityName;
import java.time.Duration;
import java.util.Objects;

/**
 * How the identity service names and issues certificates.
 *
 * @param issuanceLifetime how long a leaf is valid (Linkerd: {@code identity.issuer.issuanceLifetime}, 24h)
 * @param clockSkewAllowance how far NotBefore is backdated and NotAfter extended, so peers with slightly
 *     wrong clocks still accept the leaf (Linkerd chart: 20s)
 * @param controlPlaneNamespace the {@code <control-plane-ns>} in identity names (Linkerd: {@code linkerd})
 * @param trustDomain the identity trust domain (Linkerd: the cluster domain, {@code cluster.local})
 */
public record IdentityConfig(
    Duration issuanceLifetime, Duration clockSkewAllowance, String controlPlaneNamespace, String trustDomain) {
  public static final Duration DEFAULT_ISSUANCE_LIFETIME = Duration.ofHours(24);
  public static final Duration DEFAULT_CLOCK_SKEW_ALLOWANCE = Duration.ofSeconds(20);
  public static final String DEFAULT_CONTROL_PLANE_NAMESPACE = "linkerd";
  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

  public IdentityConfig {
    Objects.requireNonNull(issuanceLifetime, "issuanceLifetime");
    Objects.requireNonNull(clockSkewAllowance, "clockSkewAllowance");
    if (issuanceLifetime.isNegative() || issuanceLifetime.isZero()) {
      throw new IllegalArgumentException("issuanceLifetime: " + issuanceLifetime + " (expected: > 0)");
    }
    if (clockSkewAllowance.isNegative()) {
      throw new IllegalArgumentException("clockSkewAllowance: " + clockSkewAllowance + " (expected: >= 0)");
    }
    Objects.requireNonNull(controlPlaneNamespace, "controlPlaneNamespace");
    if (controlPlaneNamespace.contains(".") || IdentityName.problemWith(controlPlaneNamespace) != null) {
      throw new IllegalArgumentException(
          "controlPlaneNamespace: '" + controlPlaneNamespace + "' (expected: a DNS-1123 label)");
    }
    Objects.requireNonNull(trustDomain, "trustDomain");
    String problem = IdentityName.problemWith(trustDomain);
    if (problem != null) {
      throw new IllegalArgumentException(
          "trustDomain: '" + trustDomain + "' (expected: a DNS-1123 subdomain; " + problem + ")");
    }
  }

  public static IdentityConfig defaults() {
    return new IdentityConfig(DEFAULT_ISSUANCE_LIFETIME, DEFAULT_CLOCK_SKEW_ALLOWANCE,
        DEFAULT_CONTROL_PLANE_NAMESPACE, DEFAULT_TRUST_DOMAIN);
  }

  public IdentityConfig withIssuanceLifetime(Duration lifetime) {
    return new IdentityConfig(lifetime, clockSkewAllowance, controlPlaneNamespace, trustDomain);
  }

  public IdentityConfig withClockSkewAllowance(Duration skew) {
    return new IdentityConfig(issuanceLifetime, skew, controlPlaneNamespace, trustDomain);
  }
}
