package dev.lattice.proxy.tls;

import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.metrics.Labels;
import java.util.Optional;

/** What the inbound learned about TLS on an accepted connection. Closed set; labels as Linkerd's. */
public sealed interface ServerTls {
  /** Mesh TLS terminated here; the client proved {@code client} (empty only if it sent no identity). */
  record Established(Optional<IdentityName> client) implements ServerTls {}

  /** TLS for someone else (SNI is not this proxy): bytes pass through untouched. */
  record Passthru(String sni) implements ServerTls {}

  /** No TLS, and why. */
  record None(NoTlsReason reason) implements ServerTls {}

  /** {@code tls}, {@code client_id} / {@code sni} / {@code no_tls_reason} labels. */
  default Labels labels() {
    return switch (this) {
      case Established e -> Labels.of("tls", "true", "client_id", e.client().map(IdentityName::value).orElse(""));
      case Passthru p -> Labels.of("tls", "opaque", "sni", p.sni());
      case None n -> Labels.of("tls", "no_identity", "no_tls_reason", n.reason().label());
    };
  }

  /** The authenticated client identity, if any. */
  default Optional<IdentityName> clientIdentity() {
    return this instanceof Established e ? e.client() : Optional.empty();
  }
}
