package dev.lattice.control.policy.api;

import dev.lattice.api.Ports;
import dev.lattice.control.policy.PolicyConfig;
import dev.lattice.control.policy.PolicyIndex;
import dev.lattice.control.store.Store;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The policy service as a process runs it: a {@link PolicyIndex} fed by a {@link Store}, served over
 * gRPC as {@link InboundPolicyApi} (plaintext HTTP/2; in the mesh the server's own proxy adds mTLS).
 */
public final class PolicyServer implements AutoCloseable {
  private final Server server;
  private final Store.Watch watch;
  private final ExecutorService executor;
  private final PolicyWatches watches;

  private PolicyServer(Server server, Store.Watch watch, ExecutorService executor, PolicyWatches watches) {
    this.server = server;
    this.watch = watch;
    this.executor = executor;
    this.watches = watches;
  }

  /**
   * Where to listen, how to compute policies, and the detect timeout sent for detect ports.
   */
  public record Config(InetSocketAddress listen, PolicyConfig policy, Duration detectTimeout) {
    public Config {
      Objects.requireNonNull(listen, "listen");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(detectTimeout, "detectTimeout");
      if (detectTimeout.isNegative() || detectTimeout.isZero()) {
        throw new IllegalArgumentException("detectTimeout: " + detectTimeout + " (expected: > 0)");
      }
    }

    /** All interfaces, port {@value Ports#POLICY}, Linkerd's install defaults, detect timeout 10 s. */
    public static Config defaults() {
      return new Config(new InetSocketAddress(Ports.POLICY), PolicyConfig.defaults(), InboundServers.DETECT_TIMEOUT);
    }

    public Config withListen(InetSocketAddress address) {
      return new Config(address, policy, detectTimeout);
    }

    public Config withPolicy(PolicyConfig config) {
      return new Config(listen, config, detectTimeout);
    }
  }

  /** Starts watching {@code store} and serving; the returned server is listening. */
  public static PolicyServer start(Config config, Store store) throws IOException {
    PolicyWatches watches = new PolicyWatches(new PolicyIndex(config.policy()));
    Store.Watch watch = store.watch(watches);
    // Handlers never block, but virtual threads keep a slow listener from starving the others.
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    Server server = NettyServerBuilder.forAddress(config.listen())
        .executor(executor)
        .addService(new InboundPolicyApi(watches, config.detectTimeout()))
        .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      watch.close();
      executor.shutdownNow();
      throw e;
    }
    return new PolicyServer(server, watch, executor, watches);
  }

  /** The bound address (useful with port 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().getFirst();
  }

  /** The watches behind the API: for tests and diagnostics. */
  public PolicyWatches watches() {
    return watches;
  }

  /** Stops serving. Open watches are cancelled; proxies keep their last policy and reconnect. */
  @Override
  public void close() {
    watch.close();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }
}
