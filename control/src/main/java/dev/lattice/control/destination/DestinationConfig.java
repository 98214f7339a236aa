package dev.lattice.control.destination;

import dev.lattice.api.Ports;
import dev.lattice.control.store.PortSpec;
import java.util.Objects;

/**
 * What the destination service needs to know about the mesh it serves.
 *
 * @param clusterDomain the suffix of service names, {@code <svc>.<ns>.svc.<clusterDomain>}
 * @param controlPlaneNamespace workloads labelled with this control plane get identities and hints
 * @param trustDomain the last part of identity names
 * @param identityEnabled whether endpoints carry TLS identities at all
 * @param defaultOpaquePorts opaque ports for workloads and namespaces that do not list their own
 * @param proxyInboundPort where peer proxies accept opaque transport (the inbound listener)
 */
public record DestinationConfig(
    String clusterDomain,
    String controlPlaneNamespace,
    String trustDomain,
    boolean identityEnabled,
    PortSpec defaultOpaquePorts,
    int proxyInboundPort) {

  /** Linkerd's chart default: SMTP, MySQL, Galera SST, PostgreSQL, Redis, Elasticsearch, memcached. */
  public static final PortSpec DEFAULT_OPAQUE_PORTS =
      PortSpec.of(25, 587, 3306, 4444, 5432, 6379, 9300, 11211);

  public DestinationConfig {
    Objects.requireNonNull(clusterDomain, "clusterDomain");
    Objects.requireNonNull(controlPlaneNamespace, "controlPlaneNamespace");
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(defaultOpaquePorts, "defaultOpaquePorts");
    if (proxyInboundPort < 1 || proxyInboundPort > 65535) {
      throw new IllegalArgumentException(
          "proxyInboundPort: " + proxyInboundPort + " (expected: 1-65535)");
    }
  }

  /** Namespace {@code linkerd}, domain and trust domain {@code cluster.local}, identity on. */
  public static DestinationConfig defaults() {
    return new DestinationConfig(
        "cluster.local", "linkerd", "cluster.local", true, DEFAULT_OPAQUE_PORTS, Ports.PROXY_INBOUND);
  }
}
