package dev.lattice.proxy.control;

import dev.lattice.proxy.metrics.MetricsRegistry;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;

/** Dials a control-plane service: one gRPC channel per service, counted in {@link ControlMetrics}. */
public final class ControlChannel {
  private ControlChannel() {}

  /**
   * A channel to {@code host:port}, plaintext for now (the control plane does not terminate mesh TLS
   * yet), whose calls count in {@code metrics} under {@code addr="host:port"}.
   */
  public static ManagedChannel dial(String host, int port, MetricsRegistry metrics) {
    return NettyChannelBuilder.forAddress(host, port)
        .usePlaintext()
        .intercept(ControlMetrics.in(metrics).interceptor(host + ":" + port))
        .build();
  }
}
