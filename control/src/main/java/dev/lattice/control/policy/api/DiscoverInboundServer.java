package dev.lattice.control.policy.api;

import dev.lattice.policy.PortPolicy;
import java.util.function.Consumer;

/** Looks up a workload port's effective inbound policy and follows it. The gRPC layer knows only this. */
public interface DiscoverInboundServer {
  /**
   * The policy now.
   *
   * @throws UnknownWorkloadException no such workload
   */
  PortPolicy get(WorkloadRef workload, int port) throws UnknownWorkloadException;

  /**
   * Calls {@code listener} with the current policy before returning, then with each different one.
   * Calls come one at a time and must return quickly.
   *
   * @throws UnknownWorkloadException no such workload
   */
  Subscription watch(WorkloadRef workload, int port, Consumer<PortPolicy> listener) throws UnknownWorkloadException;

  /** Stops the calls. Idempotent. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
