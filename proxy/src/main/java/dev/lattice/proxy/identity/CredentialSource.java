package dev.lattice.proxy.identity;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the TLS layers get the workload's current credentials. The identity client updates them on
 * every refresh; a static source serves fixed certificates (tests, benchmarks).
 */
public interface CredentialSource {
  /** The credentials to use for a new connection, or empty before the first certificate. */
  Optional<Credentials> current();

  /** Calls {@code listener} with every new set of credentials (and at once, if there is one). */
  void subscribe(Consumer<Credentials> listener);
}
