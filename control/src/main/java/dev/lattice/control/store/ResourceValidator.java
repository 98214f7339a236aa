package dev.lattice.control.store;

import dev.lattice.control.store.Service.ServicePort;
import dev.lattice.control.store.Service.TargetPort;
import dev.lattice.control.store.Workload.Container;
import dev.lattice.control.store.Workload.ContainerPort;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks records the way the API server would, naming the manifest field and the reason. The manifest
 * parser, the stores and (later) the admission webhook all call this, so that what is admitted is what
 * the indexes can read.
 */
public final class ResourceValidator {
  private ResourceValidator() {}

  /** Every problem of {@code resources}, including the same object listed twice. */
  public static List<String> problems(Collection<? extends Resource> resources) {
    Problems problems = new Problems();
    Set<ResourceRef> seen = new HashSet<>();
    for (Resource r : resources) {
      Problems.Scope scope = problems.about(r.ref().toString());
      if (!seen.add(r.ref())) {
        scope.add("metadata.name", "listed more than once" + inNamespace(r.ref()));
      }
      check(r, scope);
    }
    return problems.list();
  }

  /**
   * @throws InvalidResourceException listing every problem, if there is any
   */
  public static void check(Collection<? extends Resource> resources) {
    List<String> problems = problems(resources);
    if (!problems.isEmpty()) {
      throw new InvalidResourceException(problems);
    }
  }

  static void check(Resource resource, Problems.Scope p) {
    ResourceRef ref = resource.ref();
    switch (resource) {
      case Namespace ns -> name(p, Names.dnsLabel(ns.name()));
      case ServiceAccount sa -> name(p, Names.dnsSubdomain(sa.name()));
      case Workload w -> {
        name(p, Names.dnsSubdomain(w.name()));
        workload(w, p);
      }
      case Service s -> {
        name(p, Names.dns1035Label(s.name()));
        service(s, p);
      }
      case PolicyResource pr -> {
        name(p, Names.dnsSubdomain(pr.name()));
        dev.lattice.control.policy.PolicyValidation.problems(pr).forEach(v -> p.add(v.path(), v.reason()));
      }
    }
    if (ref.kind().namespaced()) {
      problem(p, "metadata.namespace", Names.dnsLabel(ref.namespace()));
    }
    labels(p, "metadata.labels", resource.labels());
    for (String key : resource.annotations().keySet()) {
      problem(p, "metadata.annotations[" + key + "]", Names.qualifiedKey(key));
    }
    for (String key : List.of(MeshKeys.OPAQUE_PORTS, MeshKeys.SKIP_INBOUND_PORTS)) {
      String value = resource.annotations().get(key);
      if (value != null) {
        try {
          PortSpec.parse(value);
        } catch (IllegalArgumentException e) {
          p.add("metadata.annotations[" + key + "]", e.getMessage());
        }
      }
    }
  }

  private static void workload(Workload w, Problems.Scope p) {
    problem(p, "spec.serviceAccountName", Names.dnsSubdomain(w.serviceAccount()));
    if (w.containers().isEmpty()) {
      p.add("spec.containers", "must have at least one container");
    }
    Set<String> containerNames = new HashSet<>();
    Map<String, String> portNames = new HashMap<>();
    for (int i = 0; i < w.containers().size(); i++) {
      Container c = w.containers().get(i);
      String path = "spec.containers[" + i + "]";
      problem(p, path + ".name", Names.dnsLabel(c.name()));
      if (!c.name().isEmpty() && !containerNames.add(c.name())) {
        p.add(path + ".name", "duplicate container name '" + c.name() + "'");
      }
      for (int e = 0; e < c.env().size(); e++) {
        if (c.env().get(e).name().isEmpty()) {
          p.add(path + ".env[" + e + "].name", "must not be empty");
        }
      }
      for (int j = 0; j < c.ports().size(); j++) {
        ContainerPort port = c.ports().get(j);
        String portPath = path + ".ports[" + j + "]";
        range(p, portPath + ".containerPort", port.number());
        if (!port.name().isEmpty()) {
          problem(p, portPath + ".name", Names.portName(port.name()));
          String previous = portNames.putIfAbsent(port.name(), portPath);
          if (previous != null) {
            p.add(portPath + ".name", "duplicate port name '" + port.name() + "' (also " + previous + ")");
          }
        }
      }
    }
    if (w.ready() && w.ip() == null) {
      p.add("status.conditions[Ready]", "a ready workload needs status.podIP");
    }
  }

  private static void service(Service s, Problems.Scope p) {
    labels(p, "spec.selector", s.selector());
    if (s.ports().isEmpty()) {
      p.add("spec.ports", "must have at least one port");
    }
    Set<String> names = new HashSet<>();
    Set<String> portsAndProtocols = new HashSet<>();
    for (int i = 0; i < s.ports().size(); i++) {
      ServicePort port = s.ports().get(i);
      String path = "spec.ports[" + i + "]";
      if (port.name().isEmpty()) {
        if (s.ports().size() > 1) {
          p.add(path + ".name", "required when a service has more than one port");
        }
      } else {
        problem(p, path + ".name", Names.dnsLabel(port.name()));
        if (!names.add(port.name())) {
          p.add(path + ".name", "duplicate port name '" + port.name() + "'");
        }
      }
      range(p, path + ".port", port.port());
      if (!portsAndProtocols.add(port.port() + "/" + port.protocol())) {
        p.add(path + ".port", "duplicate port " + port.port() + "/" + port.protocol());
      }
      switch (port.targetPort()) {
        case TargetPort.Number n -> {
          // An absent targetPort means "same as port": that port's problem is already reported.
          if (n.port() != port.port()) {
            range(p, path + ".targetPort", n.port());
          }
        }
        case TargetPort.Named n -> problem(p, path + ".targetPort", Names.portName(n.name()));
      }
    }
  }

  private static void labels(Problems.Scope p, String path, Map<String, String> labels) {
    labels.forEach(
        (key, value) -> {
          problem(p, path + "[" + key + "]", Names.qualifiedKey(key));
          problem(p, path + "[" + key + "]", Names.labelValue(value));
        });
  }

  private static void range(Problems.Scope p, String path, int port) {
    if (port < 1 || port > 65535) {
      p.add(path, "must be 1-65535, got " + port);
    }
  }

  private static void name(Problems.Scope p, String problem) {
    problem(p, "metadata.name", problem);
  }

  private static void problem(Problems.Scope p, String path, String problem) {
    if (problem != null) {
      p.add(path, problem);
    }
  }

  private static String inNamespace(ResourceRef ref) {
    return ref.kind().namespaced() ? " in namespace " + ref.namespace() : "";
  }
}
