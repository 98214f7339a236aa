package dev.lattice.control.destination;

import dev.lattice.api.Ports;
import dev.lattice.control.store.MeshKeys;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.PortSpec;
import dev.lattice.control.store.Service;
import dev.lattice.control.store.Service.TargetPort;
import dev.lattice.control.store.Workload;
import dev.lattice.pki.IdentityName;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Decides which workloads stand behind a service port and how to reach each: the endpoints that a
 * Kubernetes Endpoints object would list, plus identity and protocol hints. Pure: no I/O, no state.
 */
final class EndpointSelection {
  private static final String OWNER_LABEL_PREFIX = "linkerd.io/proxy-";
  private static final String POD_TEMPLATE_HASH = "pod-template-hash";

  private final DestinationConfig config;

  EndpointSelection(DestinationConfig config) {
    this.config = config;
  }

  /** Ready workloads with an address that {@code service} selects, at the port {@code port} maps to. */
  EndpointView.Endpoints endpoints(
      Service service, int port, Collection<Workload> workloads, Map<String, Namespace> namespaces) {
    // A port the service does not declare is used as the target port as-is, as Linkerd does.
    TargetPort target =
        service.port(port).map(Service.ServicePort::targetPort).orElse(new TargetPort.Number(port));
    Namespace namespace = namespaces.get(service.namespace());
    Map<Endpoint.Address, Endpoint> endpoints = new TreeMap<>();
    for (Workload w : workloads) {
      if (!w.ready() || w.ip() == null || !service.selects(w)) {
        continue;
      }
      OptionalInt number = targetPort(w, target);
      if (number.isPresent()) {
        Endpoint e = endpoint(w, number.getAsInt(), namespace);
        endpoints.put(e.address(), e);
      }
    }
    return new EndpointView.Endpoints(
        Map.of("namespace", service.namespace(), "service", service.name()), new TreeMap<>(endpoints));
  }

  Endpoint endpoint(Workload w, int port, Namespace namespace) {
    Map<String, String> labels = new HashMap<>();
    labels.put("pod", w.name());
    labels.put("namespace", w.namespace());
    labels.put("serviceaccount", w.serviceAccount());
    w.labels().forEach(
        (key, value) -> {
          if (key.startsWith(OWNER_LABEL_PREFIX) && !key.equals(MeshKeys.CONTROL_PLANE_NS_LABEL)) {
            labels.put(key.substring(OWNER_LABEL_PREFIX.length()), value); // e.g. deployment=web
          }
        });
    if (w.labels().containsKey(POD_TEMPLATE_HASH)) {
      labels.put("pod_template_hash", w.labels().get(POD_TEMPLATE_HASH));
    }
    w.controlPlaneNamespace().ifPresent(cp -> labels.put("control_plane_ns", cp));

    boolean ours =
        w.controlPlaneNamespace().filter(config.controlPlaneNamespace()::equals).isPresent()
            && !ports(w, MeshKeys.SKIP_INBOUND_PORTS, null, PortSpec.of()).contains(port, w);
    Optional<IdentityName> identity =
        ours && config.identityEnabled()
            ? Optional.of(
                IdentityName.forServiceAccount(
                    w.serviceAccount(), w.namespace(), config.controlPlaneNamespace(), config.trustDomain()))
            : Optional.empty();
    Endpoint.ProtocolHint hint = Endpoint.ProtocolHint.NONE;
    int opaqueTransport = 0;
    if (ours) {
      boolean opaque = ports(w, MeshKeys.OPAQUE_PORTS, namespace, config.defaultOpaquePorts()).contains(port, w);
      hint = opaque ? Endpoint.ProtocolHint.OPAQUE : Endpoint.ProtocolHint.H2;
      // The proxy's own admin and tap ports are served by the proxy itself, never through inbound.
      if (opaque && port != Ports.PROXY_ADMIN && port != Ports.PROXY_TAP) {
        opaqueTransport = config.proxyInboundPort();
      }
    }
    return new Endpoint(new Endpoint.Address(w.ip(), port), labels, identity, hint, opaqueTransport);
  }

  private static OptionalInt targetPort(Workload w, TargetPort target) {
    return switch (target) {
      case TargetPort.Number n -> OptionalInt.of(n.port());
      case TargetPort.Named n ->
          w.port(n.name()).map(p -> OptionalInt.of(p.number())).orElse(OptionalInt.empty());
    };
  }

  /**
   * The workload's port list for {@code key}, else what it inherited from its namespace when it was
   * created (as the store recorded it, so the hint agrees with the policy index; for a record
   * without one, the namespace as it is now), else {@code fallback}.
   */
  private static PortSpec ports(Workload w, String key, Namespace namespace, PortSpec fallback) {
    String value = w.annotations().get(key);
    if (value == null && namespace != null) {
      value = w.inherited() != null ? w.inherited().get(key) : namespace.annotations().get(key);
    }
    if (value == null) {
      return fallback;
    }
    try {
      return PortSpec.parse(value);
    } catch (IllegalArgumentException e) {
      return fallback; // the store validates annotations; this only guards against foreign stores
    }
  }
}
