package dev.lattice.cli.mesh;

import dev.lattice.local.controlplane.ControlPlane;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lattice control-plane}: identity and destination in one process (started by {@code lattice up}). */
@Command(
    name = "control-plane",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = {
      "Run the local mesh's control plane in the foreground: identity (Certify, :8080) and destination "
          + "(Get, :8086), plaintext gRPC, over the state directory. lattice up starts it in the mesh's namespace."
    })
public final class ControlPlaneCommand implements java.util.concurrent.Callable<Integer> {
  @Mixin StateDirOption state;

  @Option(names = "--address", paramLabel = "IP", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String address;

  @Override
  public Integer call() throws Exception {
    ControlPlane plane = ControlPlane.start(state.dir(), InetAddress.ofLiteral(address));
    System.out.println("control plane: identity " + plane.identityAddress() + ", destination " + plane.destinationAddress());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
      plane.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
