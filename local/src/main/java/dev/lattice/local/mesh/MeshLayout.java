package dev.lattice.local.mesh;

import dev.lattice.local.netns.Cidr;
import dev.lattice.local.netns.NetworkNamespace;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where everything of a mesh goes: network namespace names, link names and addresses, all derived
 * from the spec and a short mesh id, so {@code up}, {@code status} and {@code down} agree without
 * asking the kernel.
 *
 * <p>The mesh's own namespace ({@code lattice-<id>}) holds the bridge, with the network's first
 * address; the control plane runs there. Each workload's namespace ({@code lattice-<id>-<ns>-<name>})
 * holds {@code eth0}, whose peer {@code w<index>} is plugged into the bridge. Link names only need to
 * be unique inside their namespace, and every namespace is the mesh's own.
 */
public record MeshLayout(String meshId, MeshSpec spec, List<Placed> workloads, List<PlacedService> services) {
  public static final String BRIDGE = "br0";
  public static final String WORKLOAD_LINK = "eth0";
  private static final Pattern MESH_ID = Pattern.compile("[a-z0-9]{1,8}");

  public MeshLayout {
    workloads = List.copyOf(workloads);
    services = List.copyOf(services);
  }

  /** Lays out {@code spec} for mesh {@code meshId} (1-8 of a-z, 0-9). */
  public static MeshLayout of(String meshId, MeshSpec spec) {
    if (meshId == null || !MESH_ID.matcher(meshId).matches()) {
      throw new IllegalArgumentException("mesh id: '" + meshId + "' (expected: 1-8 of a-z, 0-9)");
    }
    List<Placed> placed = new ArrayList<>();
    for (int i = 0; i < spec.workloads().size(); i++) {
      WorkloadSpec w = spec.workloads().get(i);
      placed.add(new Placed(w, new NetworkNamespace("lattice-" + meshId + "-" + w.namespace() + "-" + w.name()),
          Ipv4.host(spec.network(), i + 2), "w" + i));
    }
    List<PlacedService> services = new ArrayList<>();
    for (int i = 0; i < spec.services().size(); i++) {
      services.add(new PlacedService(spec.services().get(i), Ipv4.host(spec.serviceNetwork(), i + 1)));
    }
    return new MeshLayout(meshId, spec, placed, services);
  }

  /** The namespace holding the bridge and the control plane. */
  public NetworkNamespace meshNamespace() {
    return new NetworkNamespace("lattice-" + meshId);
  }

  /** The bridge's address: where the control plane listens. */
  public Inet4Address bridgeAddress() {
    return Ipv4.host(spec.network(), 1);
  }

  public Cidr bridgeCidr() {
    return new Cidr(bridgeAddress(), spec.network().prefixLength());
  }

  public Optional<Placed> workload(String namespace, String name) {
    return workloads.stream()
        .filter(p -> p.spec().namespace().equals(namespace) && p.spec().name().equals(name))
        .findFirst();
  }

  /** A workload and its place: network namespace, address, and the bridge-side name of its veth. */
  public record Placed(WorkloadSpec spec, NetworkNamespace netns, Inet4Address address, String bridgePort) {
    public Cidr cidr(MeshSpec mesh) {
      return new Cidr(address, mesh.network().prefixLength());
    }
  }

  /** A service and its virtual IP. */
  public record PlacedService(ServiceSpec spec, Inet4Address virtualIp) {}
}
