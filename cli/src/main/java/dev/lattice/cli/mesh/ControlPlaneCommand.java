package dev.lattice.cli.mesh;

import dev.lattice.control.policy.PolicyConfig;
import dev.lattice.local.controlplane.ControlPlane;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Network;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lattice control-plane}: identity, destination and policy in one process (started by {@code lattice up}). */
@Command(
    name = "control-plane",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = {
      "Run the local mesh's control plane in the foreground: identity (Certify, :8080), destination "
          + "(Get, :8086) and inbound policy (WatchPort, :8090), plaintext gRPC, over the state directory. lattice up starts it in the mesh's namespace."
    })
public final class ControlPlaneCommand implements java.util.concurrent.Callable<Integer> {
  @Mixin StateDirOption state;

  @Option(names = "--address", paramLabel = "IP", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--cluster-networks", paramLabel = "CIDR[,CIDR…]", defaultValue = "10.233.0.0/16",
      description = "Networks the cluster-* default policies admit (default: ${DEFAULT-VALUE}, the demo mesh).")
  String clusterNetworks;

  @Option(names = "--default-inbound-policy", paramLabel = "POLICY", defaultValue = "all-unauthenticated",
      description = "Cluster-wide default inbound policy (default: ${DEFAULT-VALUE}).")
  String defaultPolicy;

  @Override
  public Integer call() throws Exception {
    DefaultPolicy policy = DefaultPolicy.parse(defaultPolicy).orElseThrow(() -> new IllegalArgumentException(
        "--default-inbound-policy: '" + defaultPolicy + "' is not one of " + DefaultPolicy.spellings()));
    PolicyConfig config = PolicyConfig.defaults().withClusterDefault(policy)
        .withClusterNetworks(Network.parseList(clusterNetworks));
    ControlPlane plane = ControlPlane.start(state.dir(), InetAddress.ofLiteral(address), config);
    System.out.println("control plane: identity " + plane.identityAddress() + ", destination "
        + plane.destinationAddress() + ", policy " + plane.policyAddress());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
      plane.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
