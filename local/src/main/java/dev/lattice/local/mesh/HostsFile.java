package dev.lattice.local.mesh;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code /etc/hosts} a workload sees ({@code /etc/netns/<netns>/hosts}, bind-mounted by
 * {@code ip netns exec}): every service under {@code <svc>.<ns>} and
 * {@code <svc>.<ns>.svc.cluster.local}, plus the bare {@code <svc>} for services in the workload's own
 * namespace, as Kubernetes' DNS search path would resolve them. All point at the virtual IP.
 */
public final class HostsFile {
  private HostsFile() {}

  public static String render(MeshLayout layout, MeshLayout.Placed workload) {
    List<String> lines = new ArrayList<>();
    lines.add("# Written by lattice up for " + workload.spec().qualifiedName() + "; removed by lattice down.");
    lines.add("127.0.0.1\tlocalhost");
    lines.add("::1\tlocalhost ip6-localhost ip6-loopback");
    lines.add(workload.address().getHostAddress() + "\t" + workload.spec().name());
    for (MeshLayout.PlacedService s : layout.services()) {
      String svc = s.spec().name();
      String ns = s.spec().namespace();
      StringBuilder line = new StringBuilder(s.virtualIp().getHostAddress()).append('\t');
      if (ns.equals(workload.spec().namespace())) {
        line.append(svc).append(' ');
      }
      line.append(svc).append('.').append(ns).append(' ').append(svc).append('.').append(ns).append(".svc.cluster.local");
      lines.add(line.toString());
    }
    return String.join("\n", lines) + "\n";
  }
}
