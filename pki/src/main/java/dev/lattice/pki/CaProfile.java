package dev.lattice.pki;

import java.time.Duration;

/**
 * What a CA certificate is allowed to be: its subject name, lifetime and path length. The defaults
 * follow the roles {@code step certificate create --profile root-ca / intermediate-ca} play in
 * Linkerd's walkthroughs: a root for 10 years, an issuer for 1 year (8760h) that may sign only leaves.
 *
 * @param pathLength the BasicConstraints pathLenConstraint, or -1 for none
 */
public record CaProfile(String commonName, Duration lifetime, int pathLength) {
  public static final Duration ROOT_LIFETIME = Duration.ofDays(3650);
  public static final Duration ISSUER_LIFETIME = Duration.ofHours(8760);

  public CaProfile {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("commonName: '" + commonName + "' (expected: not blank)");
    }
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("lifetime: " + lifetime + " (expected: > 0)");
    }
    if (pathLength < -1) {
      throw new IllegalArgumentException("pathLength: " + pathLength + " (expected: >= -1)");
    }
  }

  public static CaProfile root(String commonName) {
    return new CaProfile(commonName, ROOT_LIFETIME, 1);
  }

  public static CaProfile issuer(String commonName) {
    return new CaProfile(commonName, ISSUER_LIFETIME, 0);
  }

  public CaProfile withLifetime(Duration newLifetime) {
    return new CaProfile(commonName, newLifetime, pathLength);
  }
}
