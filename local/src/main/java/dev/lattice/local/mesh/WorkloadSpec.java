package dev.lattice.local.mesh;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One workload of a local mesh: a process (and, when meshed, its proxy) in its own network namespace.
 *
 * @param name DNS-1123 label, unique within its namespace
 * @param namespace the Kubernetes-style namespace (not the network namespace)
 * @param serviceAccount whose identity the proxy gets
 * @param meshed whether the workload gets proxy-init rules and a proxy
 * @param ports TCP ports the app listens on; the first one is probed for readiness
 * @param labels labels of the workload's Pod record; services select on them
 * @param command argv of the app, run as root inside the workload's network namespace
 * @param env environment of the app (added to a minimal PATH/HOME/LANG environment)
 * @param annotations annotations of the workload's Pod record, as on a pod template (e.g. {@code
 *     config.linkerd.io/default-inbound-policy}); fixed when the workload is created
 */
public record WorkloadSpec(
    String name,
    String namespace,
    String serviceAccount,
    boolean meshed,
    List<Integer> ports,
    Map<String, String> labels,
    List<String> command,
    Map<String, String> env,
    Map<String, String> annotations) {
  /** A workload without annotations. */
  public WorkloadSpec(String name, String namespace, String serviceAccount, boolean meshed, List<Integer> ports,
      Map<String, String> labels, List<String> command, Map<String, String> env) {
    this(name, namespace, serviceAccount, meshed, ports, labels, command, env, Map.of());
  }

  public WorkloadSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    ports = List.copyOf(ports);
    labels = Map.copyOf(labels);
    command = List.copyOf(command);
    env = Map.copyOf(env);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations); // absent in older mesh.json
  }

  /** {@code <namespace>/<name>}, how messages name a workload. */
  public String qualifiedName() {
    return namespace + "/" + name;
  }
}
