package dev.lattice.demo.runtime;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** A plaintext gRPC server serving the given services on one address. */
public final class GrpcWorkload implements Workload {
  private final Server server;

  private GrpcWorkload(Server server) {
    this.server = server;
  }

  /** Binds and starts serving; port 0 picks a free port (see {@link #address()}). */
  public static GrpcWorkload start(InetSocketAddress listen, BindableService... services) {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(listen);
    for (BindableService service : services) {
      builder.addService(service);
    }
    try {
      return new GrpcWorkload(builder.build().start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listen, e);
    }
  }

  /** The bound address, with the real port. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().getFirst();
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
