package dev.lattice.control.destination;

import dev.lattice.api.Ports;
import dev.lattice.control.store.Store;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The destination service as a process runs it: an {@link EndpointsIndex} fed by a {@link Store},
 * served over gRPC (plaintext HTTP/2; in the mesh the server's own proxy adds mTLS in front of it).
 */
public final class DestinationServer implements AutoCloseable {
  private final Server server;
  private final Store.Watch watch;
  private final ExecutorService executor;

  private DestinationServer(Server server, Store.Watch watch, ExecutorService executor) {
    this.server = server;
    this.watch = watch;
    this.executor = executor;
  }

  /** Where to listen and what mesh to describe. */
  public record Config(InetSocketAddress listen, DestinationConfig destination) {
    public Config {
      Objects.requireNonNull(listen, "listen");
      Objects.requireNonNull(destination, "destination");
    }

    /** All interfaces, port {@value Ports#DESTINATION}, default mesh settings. */
    public static Config defaults() {
      return new Config(new InetSocketAddress(Ports.DESTINATION), DestinationConfig.defaults());
    }

    public Config withListen(InetSocketAddress address) {
      return new Config(address, destination);
    }
  }

  /** Starts watching {@code store} and serving; the returned server is listening. */
  public static DestinationServer start(Config config, Store store) throws IOException {
    EndpointsIndex index = new EndpointsIndex(config.destination());
    Store.Watch watch = store.watch(index);
    // Handlers never block, but virtual threads keep a slow listener from starving the others.
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    Server server =
        NettyServerBuilder.forAddress(config.listen())
            .executor(executor)
            .addService(new DestinationApi(index, config.destination().clusterDomain()))
            .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      watch.close();
      executor.shutdownNow();
      throw e;
    }
    return new DestinationServer(server, watch, executor);
  }

  /** The bound address (useful with port 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().getFirst();
  }

  /**
   * Stops serving. Open {@code Get} streams never finish on their own, so they are cancelled; clients
   * reconnect elsewhere or later.
   */
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
