package dev.lattice.proxy.tls;

/** Why a connection carries no mesh TLS, as the {@code no_tls_reason} metric label spells it. */
public enum NoTlsReason {
  /** The client did not start TLS (or not for us). */
  NO_TLS_FROM_REMOTE("no_tls_from_remote"),
  /** Traffic between the proxy and its own workload over loopback. */
  LOOPBACK("loopback"),
  /** The port is configured opaque: no detection at all. */
  PORT_SKIPPED("port_skipped"),
  /** Discovery did not name an identity for the destination (it is not meshed). */
  NOT_PROVIDED_BY_SERVICE_DISCOVERY("not_provided_by_service_discovery");

  private final String label;

  NoTlsReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
