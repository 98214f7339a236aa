package dev.lattice.demo.runtime;

/** A started workload: it runs until {@link #close()}, which SIGTERM triggers through a shutdown hook. */
public interface Workload extends AutoCloseable {
  /** Blocks until the workload has stopped. */
  void awaitTermination() throws InterruptedException;

  /** Stops the workload, letting in-flight requests finish for a short grace period. Idempotent. */
  @Override
  void close();
}
