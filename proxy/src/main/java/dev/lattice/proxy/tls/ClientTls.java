package dev.lattice.proxy.tls;

import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.metrics.Labels;

/** How a connection the proxy opens is secured. Closed set; labels as Linkerd's. */
public sealed interface ClientTls {
  /** Mesh TLS to a peer proxy that must prove {@code server}. */
  record Mesh(IdentityName server) implements ClientTls {}

  /** Plain TCP, and why. */
  record None(NoTlsReason reason) implements ClientTls {}

  /** {@code tls}, {@code server_id} / {@code no_tls_reason} labels. */
  default Labels labels() {
    return switch (this) {
      case Mesh m -> Labels.of("tls", "true", "server_id", m.server().value());
      case None n -> Labels.of("tls", "no_identity", "no_tls_reason", n.reason().label());
    };
  }
}
