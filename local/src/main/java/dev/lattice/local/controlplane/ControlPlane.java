package dev.lattice.local.controlplane;

import dev.lattice.api.Ports;
import dev.lattice.control.destination.DestinationConfig;
import dev.lattice.control.destination.DestinationServer;
import dev.lattice.control.events.LoggingEventSink;
import dev.lattice.control.identity.IdentityServer;
import dev.lattice.control.identity.IdentityServerConfig;
import dev.lattice.control.identity.issuer.IssuerFiles;
import dev.lattice.control.policy.PolicyConfig;
import dev.lattice.control.policy.api.PolicyServer;
import dev.lattice.control.store.LocalStore;
import dev.lattice.local.state.StateDir;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.InstantSource;

/**
 * Identity (Certify, port 8080), destination (Get, port 8086) and inbound policy (WatchPort, port 8090)
 * in one process, all plaintext gRPC on {@code address}, reading the state directory: the issuer and anchors in {@code identity/}, tokens in
 * {@code tokens/}, the store in {@code resources/} (re-read every {@value #POLL_MILLIS} ms, so
 * {@code lattice apply} and the supervisor's readiness changes reach proxies quickly).
 */
public final class ControlPlane implements AutoCloseable {
  static final long POLL_MILLIS = 200;

  private final LocalStore store;
  private final IdentityServer identity;
  private final DestinationServer destination;
  private final PolicyServer policy;

  private ControlPlane(LocalStore store, IdentityServer identity, DestinationServer destination, PolicyServer policy) {
    this.store = store;
    this.identity = identity;
    this.destination = destination;
    this.policy = policy;
  }

  /**
   * Starts the three servers; once all listen, writes {@code run/control-plane.ready} (with this pid).
   *
   * @param policyConfig the cluster default policy and cluster networks the policy server computes with
   *     (the mesh's own network, so {@code cluster-*} defaults mean "from inside this mesh")
   */
  public static ControlPlane start(StateDir dir, InetAddress address, PolicyConfig policyConfig) throws IOException {
    LocalStore store = LocalStore.open(dir.root(), Duration.ofMillis(POLL_MILLIS));
    IdentityServer identity = null;
    DestinationServer destination = null;
    PolicyServer policy = null;
    try {
      IdentityServerConfig config = IdentityServerConfig
          .defaults(new IssuerFiles(dir.issuerDirectory(), dir.trustAnchor()), dir.tokens())
          .withListenAddress(new InetSocketAddress(address, Ports.IDENTITY));
      identity = IdentityServer.start(config, InstantSource.system(), new LoggingEventSink());
      destination = DestinationServer.start(
          new DestinationServer.Config(new InetSocketAddress(address, Ports.DESTINATION), DestinationConfig.defaults()),
          store);
      policy = PolicyServer.start(PolicyServer.Config.defaults()
          .withListen(new InetSocketAddress(address, Ports.POLICY)).withPolicy(policyConfig), store);
      ControlPlane plane = new ControlPlane(store, identity, destination, policy);
      Files.createDirectories(dir.run());
      var tmp = dir.controlPlaneReady().resolveSibling("control-plane.ready.tmp");
      Files.writeString(tmp, ProcessHandle.current().pid() + " identity=" + identity.address()
          + " destination=" + destination.address() + " policy=" + policy.address() + "\n");
      Files.move(tmp, dir.controlPlaneReady(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return plane;
    } catch (IOException | RuntimeException e) {
      if (policy != null) {
        policy.close();
      }
      if (destination != null) {
        destination.close();
      }
      if (identity != null) {
        identity.close();
      }
      store.close();
      throw e;
    }
  }

  public InetSocketAddress identityAddress() {
    return identity.address();
  }

  public InetSocketAddress destinationAddress() {
    return destination.address();
  }

  public InetSocketAddress policyAddress() {
    return policy.address();
  }

  @Override
  public void close() {
    policy.close();
    destination.close();
    identity.close();
    store.close();
  }
}
