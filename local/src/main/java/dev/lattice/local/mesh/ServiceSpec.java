package dev.lattice.local.mesh;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service of a local mesh: a name and a virtual IP in front of the workloads {@code selector} picks.
 *
 * @param ports the ports the virtual IP answers on and where each leads on the workloads
 */
public record ServiceSpec(String name, String namespace, Map<String, String> selector, List<Port> ports) {
  public ServiceSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    selector = Map.copyOf(selector);
    ports = List.copyOf(ports);
  }

  /** A service port and the workload port it forwards to. */
  public record Port(String name, int port, int targetPort) {
    public Port {
      name = name == null ? "" : name;
    }
  }
}
