package dev.lattice.local.mesh;

import dev.lattice.local.netns.Cidr;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything {@code lattice up} builds: workloads, services and the two address ranges. The
 * constructor checks the whole spec and reports every problem in one {@link IllegalArgumentException}.
 *
 * @param network workload addresses; the first address goes to the mesh's bridge (where the control
 *     plane listens), the next ones to the workloads in order
 * @param serviceNetwork virtual IPs of services, in order
 */
public record MeshSpec(Cidr network, Cidr serviceNetwork, List<WorkloadSpec> workloads, List<ServiceSpec> services) {
  /** Workload addresses by default: private, and never routed outside the mesh's own namespaces. */
  public static final Cidr DEFAULT_NETWORK = Cidr.parse("10.233.0.0/16");
  /** Service virtual IPs by default. */
  public static final Cidr DEFAULT_SERVICE_NETWORK = Cidr.parse("10.234.0.0/16");

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Set<Integer> PROXY_PORTS = Set.of(4140, 4143, 4190, 4191);

  public MeshSpec {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(serviceNetwork, "serviceNetwork");
    workloads = List.copyOf(workloads);
    services = List.copyOf(services);
    List<String> problems = problems(network, serviceNetwork, workloads, services);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.size() == 1 ? problems.getFirst()
          : problems.size() + " problems:\n  " + String.join("\n  ", problems));
    }
  }

  /** The namespaces the workloads and services use, in first-use order. */
  public List<String> namespaces() {
    Set<String> seen = new java.util.LinkedHashSet<>();
    workloads.forEach(w -> seen.add(w.namespace()));
    services.forEach(s -> seen.add(s.namespace()));
    return List.copyOf(seen);
  }

  private static List<String> problems(Cidr network, Cidr serviceNetwork, List<WorkloadSpec> workloads,
      List<ServiceSpec> services) {
    List<String> problems = new ArrayList<>();
    checkRange("network", network, workloads.size() + 2, problems);
    checkRange("serviceNetwork", serviceNetwork, services.size() + 1, problems);
    if (network.address() instanceof Inet4Address && serviceNetwork.address() instanceof Inet4Address
        && Ipv4.overlaps(network, serviceNetwork)) {
      problems.add("serviceNetwork: " + serviceNetwork + " overlaps network " + network);
    }
    if (workloads.isEmpty()) {
      problems.add("workloads: empty (expected: at least one workload)");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < workloads.size(); i++) {
      WorkloadSpec w = workloads.get(i);
      String at = "workloads[" + i + "] (" + w.name() + ")";
      label(at + ".name", w.name(), problems);
      label(at + ".namespace", w.namespace(), problems);
      label(at + ".serviceAccount", w.serviceAccount(), problems);
      if (!names.add(w.qualifiedName())) {
        problems.add(at + ".name: " + w.qualifiedName() + " is listed more than once");
      }
      for (int port : w.ports()) {
        if (port < 1 || port > 65535) {
          problems.add(at + ".ports: " + port + " (expected: 1-65535)");
        } else if (w.meshed() && PROXY_PORTS.contains(port)) {
          problems.add(at + ".ports: " + port + " is one of the proxy's own ports " + PROXY_PORTS);
        }
      }
      if (w.command().isEmpty()) {
        problems.add(at + ".command: empty (expected: the program to run and its arguments)");
      }
    }
    Set<String> serviceNames = new HashSet<>();
    for (int i = 0; i < services.size(); i++) {
      ServiceSpec s = services.get(i);
      String at = "services[" + i + "] (" + s.name() + ")";
      label(at + ".name", s.name(), problems);
      label(at + ".namespace", s.namespace(), problems);
      if (!serviceNames.add(s.namespace() + "/" + s.name())) {
        problems.add(at + ".name: " + s.namespace() + "/" + s.name() + " is listed more than once");
      }
      if (s.selector().isEmpty()) {
        problems.add(at + ".selector: empty (expected: labels that pick workloads, e.g. app: web)");
      }
      if (s.ports().isEmpty()) {
        problems.add(at + ".ports: empty (expected: at least one port)");
      }
      for (ServiceSpec.Port p : s.ports()) {
        if (p.port() < 1 || p.port() > 65535 || p.targetPort() < 1 || p.targetPort() > 65535) {
          problems.add(at + ".ports: " + p.port() + "->" + p.targetPort() + " (expected: ports 1-65535)");
        }
      }
      if (s.ports().size() > 1 && s.ports().stream().anyMatch(p -> p.name().isEmpty())) {
        problems.add(at + ".ports: every port needs a name when there are several");
      }
    }
    return problems;
  }

  private static void checkRange(String field, Cidr cidr, int needed, List<String> problems) {
    if (!(cidr.address() instanceof Inet4Address)) {
      problems.add(field + ": " + cidr + " (expected: an IPv4 range; the local mesh is IPv4 only)");
      return;
    }
    if (cidr.prefixLength() > 30 || (1L << (32 - cidr.prefixLength())) - 2 < needed) {
      problems.add(field + ": " + cidr + " is too small (needs " + needed + " addresses)");
    }
  }

  private static void label(String field, String value, List<String> problems) {
    if (value == null || !LABEL.matcher(value).matches()) {
      problems.add(field + ": '" + value + "' (expected: a DNS-1123 label: a-z, 0-9, '-', at most 63)");
    }
  }
}
