package dev.lattice.proxy.testing;

import dev.lattice.api.inbound.InboundServerPoliciesGrpc;
import dev.lattice.api.inbound.PortSpec;
import dev.lattice.api.inbound.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A policy service on a real loopback gRPC port that answers what a test scripts, for the answers
 * Lattice's own controller never sends: a {@code Server} the proxy must refuse as invalid, as a newer
 * or broken controller would send it (spec §2.5). Ports the test has not scripted get {@code
 * fallback}. Scripting a port pushes the new answer to every open watch of it at once.
 */
public final class ScriptedPolicyService implements AutoCloseable {
  private final IntFunction<Server> fallback;
  private final Map<Integer, Server> scripted = new HashMap<>();
  private final Map<Integer, List<StreamObserver<Server>>> watches = new HashMap<>();
  private final io.grpc.Server grpc;

  /** Starts the service on an ephemeral port of 127.0.0.1. */
  public ScriptedPolicyService(IntFunction<Server> fallback) throws IOException {
    this.fallback = fallback;
    this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new Service()).build().start();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", grpc.getPort());
  }

  /** From now on {@code port} is answered with {@code server}; open watches hear it now. */
  public synchronized void serve(int port, Server server) {
    scripted.put(port, server);
    push(port);
  }

  /** {@code port} goes back to the fallback answer. */
  public synchronized void unscript(int port) {
    if (scripted.remove(port) != null) {
      push(port);
    }
  }

  private synchronized Server answer(int port) {
    Server s = scripted.get(port);
    return s != null ? s : fallback.apply(port);
  }

  // Watches are written under the lock: a StreamObserver must not be called from two threads at once.
  private synchronized void push(int port) {
    for (StreamObserver<Server> watch : watches.getOrDefault(port, List.of())) {
      watch.onNext(answer(port));
    }
  }

  private synchronized void watch(int port, ServerCallStreamObserver<Server> watch) {
    watches.computeIfAbsent(port, p -> new ArrayList<>()).add(watch);
    watch.setOnCancelHandler(() -> forget(port, watch));
    watch.onNext(answer(port));
  }

  private synchronized void forget(int port, StreamObserver<Server> watch) {
    watches.getOrDefault(port, new ArrayList<>()).remove(watch);
  }

  @Override
  public void close() throws InterruptedException {
    grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private final class Service extends InboundServerPoliciesGrpc.InboundServerPoliciesImplBase {
    @Override
    public void getPort(PortSpec request, StreamObserver<Server> responses) {
      responses.onNext(answer(request.getPort()));
      responses.onCompleted();
    }

    @Override
    public void watchPort(PortSpec request, StreamObserver<Server> responses) {
      watch(request.getPort(), (ServerCallStreamObserver<Server>) responses);
    }
  }
}
