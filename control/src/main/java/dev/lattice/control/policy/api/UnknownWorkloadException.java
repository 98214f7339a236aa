package dev.lattice.control.policy.api;

/** No workload by that name is known (yet): the proxy should retry. */
public final class UnknownWorkloadException extends Exception {
  public UnknownWorkloadException(WorkloadRef workload) {
    super("unknown workload " + workload);
  }
}
