package dev.lattice.local.mesh;

import dev.lattice.control.store.MeshKeys;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.Service;
import dev.lattice.control.store.ServiceAccount;
import dev.lattice.control.store.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The store records that describe a laid-out mesh, as a cluster would hold them: Namespaces,
 * ServiceAccounts, one Pod per workload (with its address; Ready only while its app runs) and one
 * Service per service (with its virtual IP as {@code clusterIP}).
 */
public final class MeshResources {
  /** Label on every record {@code lattice up} writes, naming the mesh. */
  public static final String MESH_LABEL = "lattice.dev/mesh";
  /** Annotation on Pods: the network namespace the workload runs in. */
  public static final String NETNS_ANNOTATION = "lattice.dev/netns";
  /** The control plane's namespace, as in {@code linkerd.io/control-plane-ns: linkerd}. */
  public static final String CONTROL_PLANE_NAMESPACE = "linkerd";

  private MeshResources() {}

  /** Everything, with every workload not ready yet. */
  public static List<Resource> of(MeshLayout layout) {
    Map<String, String> meshLabel = Map.of(MESH_LABEL, layout.meshId());
    List<Resource> out = new ArrayList<>();
    for (String ns : layout.spec().namespaces()) {
      out.add(new Namespace(ns, meshLabel, Map.of()));
    }
    Set<String> accounts = new LinkedHashSet<>();
    for (MeshLayout.Placed p : layout.workloads()) {
      if (accounts.add(p.spec().namespace() + "/" + p.spec().serviceAccount())) {
        out.add(new ServiceAccount(p.spec().serviceAccount(), p.spec().namespace(), meshLabel, Map.of()));
      }
    }
    for (MeshLayout.PlacedService s : layout.services()) {
      out.add(service(layout, s));
    }
    for (MeshLayout.Placed p : layout.workloads()) {
      out.add(workload(layout, p, false));
    }
    return List.copyOf(out);
  }

  /** The Pod record of {@code placed}, ready or not. */
  public static Workload workload(MeshLayout layout, MeshLayout.Placed placed, boolean ready) {
    WorkloadSpec spec = placed.spec();
    Map<String, String> labels = new LinkedHashMap<>(spec.labels());
    labels.put(MESH_LABEL, layout.meshId());
    if (spec.meshed()) {
      labels.put(MeshKeys.CONTROL_PLANE_NS_LABEL, CONTROL_PLANE_NAMESPACE);
    }
    List<Workload.ContainerPort> ports = spec.ports().stream()
        .map(port -> Workload.ContainerPort.tcp("", port)).toList();
    List<Workload.EnvVar> env = spec.env().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> new Workload.EnvVar(e.getKey(), e.getValue())).toList();
    Workload.Container app = new Workload.Container("app", "", spec.command(), List.of(), env, ports);
    Map<String, String> annotations = new LinkedHashMap<>(spec.annotations());
    annotations.put(NETNS_ANNOTATION, placed.netns().name());
    return new Workload(spec.name(), spec.namespace(), spec.serviceAccount(), labels,
        annotations, List.of(app), placed.address(), ready);
  }

  private static Service service(MeshLayout layout, MeshLayout.PlacedService placed) {
    ServiceSpec spec = placed.spec();
    List<Service.ServicePort> ports = spec.ports().stream()
        .map(p -> Service.ServicePort.tcp(p.name(), p.port(), new Service.TargetPort.Number(p.targetPort())))
        .toList();
    return new Service(spec.name(), spec.namespace(), Map.of(MESH_LABEL, layout.meshId()), Map.of(),
        spec.selector(), ports, placed.virtualIp(), false);
  }
}
