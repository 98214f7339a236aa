package dev.lattice.control.identity.issuer;

import java.util.Optional;

/** The issuer in service right now; empty until one has been loaded. Must be cheap and lock-free. */
@FunctionalInterface
public interface IssuerSource {
  Optional<Issuer> current();

  /** Always {@code issuer}: for tests and benchmarks that do not reload. */
  static IssuerSource fixed(Issuer issuer) {
    Optional<Issuer> value = Optional.of(issuer);
    return () -> value;
  }

  /** Never ready: Certify answers UNAVAILABLE. */
  static IssuerSource none() {
    return Optional::empty;
  }
}
