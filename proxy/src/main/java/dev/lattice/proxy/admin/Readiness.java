package dev.lattice.proxy.admin;

import dev.lattice.proxy.identity.CredentialSource;
import java.time.InstantSource;

/** Whether {@code /ready} answers 200; asked on every probe. */
@FunctionalInterface
public interface Readiness {
  boolean isReady();

  /**
   * Ready while {@code credentials} hold a certificate that has not expired on {@code clock}: a proxy
   * without a valid certificate can neither accept nor make meshed connections.
   */
  static Readiness certified(CredentialSource credentials, InstantSource clock) {
    return () -> credentials.current().map(c -> c.notAfter().isAfter(clock.instant())).orElse(false);
  }
}
