package dev.lattice.local.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The default mesh: the emojivoto-like demo in namespace {@code emojivoto}. Four workloads with four
 * service accounts (so four identities) and three services, with emojivoto's names and ports:
 * {@code web-svc:80 -> 8080}, {@code emoji-svc:8080}, {@code voting-svc:8080}.
 */
public final class DemoMesh {
  public static final String NAMESPACE = "emojivoto";

  private DemoMesh() {}

  /**
   * @param launcher the argv that runs the demo's launcher ({@code java … dev.lattice.demo.DemoMain});
   *     the workload's name is appended
   */
  public static MeshSpec spec(List<String> launcher) {
    return spec(name -> launcher);
  }

  /** As {@link #spec(List)}, with a launcher per workload (e.g. each with its own JVM archive). */
  public static MeshSpec spec(Function<String, List<String>> launcher) {
    return spec(launcher, MeshSpec.DEFAULT_NETWORK, MeshSpec.DEFAULT_SERVICE_NETWORK);
  }

  public static MeshSpec spec(Function<String, List<String>> launcher, dev.lattice.local.netns.Cidr network,
      dev.lattice.local.netns.Cidr serviceNetwork) {
    List<WorkloadSpec> workloads = List.of(
        workload(launcher, "emoji", List.of(8080), Map.of()),
        workload(launcher, "voting", List.of(8080), Map.of()),
        workload(launcher, "web", List.of(8080), Map.of(
            "EMOJISVC_HOST", "emoji-svc." + NAMESPACE + ":8080",
            "VOTINGSVC_HOST", "voting-svc." + NAMESPACE + ":8080")),
        workload(launcher, "vote-bot", List.of(), Map.of("WEB_HOST", "web-svc." + NAMESPACE + ":80")));
    List<ServiceSpec> services = List.of(
        service("emoji-svc", "emoji", 8080, 8080),
        service("voting-svc", "voting", 8080, 8080),
        service("web-svc", "web", 80, 8080));
    return new MeshSpec(network, serviceNetwork, workloads, services);
  }

  private static WorkloadSpec workload(Function<String, List<String>> launcher, String name, List<Integer> ports,
      Map<String, String> env) {
    List<String> command = new ArrayList<>(launcher.apply(name));
    command.add(name);
    return new WorkloadSpec(name, NAMESPACE, name, true, ports, Map.of("app", name), command, env);
  }

  private static ServiceSpec service(String name, String app, int port, int targetPort) {
    return new ServiceSpec(name, NAMESPACE, Map.of("app", app), List.of(new ServiceSpec.Port("", port, targetPort)));
  }
}
