package dev.lattice.control.store;

import java.util.Collection;
import java.util.List;

/**
 * The mesh's resources, as records: list them, watch them, change them. Implementations: {@link
 * InMemoryStore} for tests and embedding, {@link LocalStore} for a state directory shared with the
 * CLI. A Kubernetes-backed store will implement the same interface.
 *
 * <p>Changes are all-or-nothing: {@link #apply} validates every resource first and changes nothing if
 * any is invalid.
 */
public interface Store extends AutoCloseable {
  /** Everything the store holds now. */
  Snapshot snapshot();

  /**
   * Feeds {@code sink}: first {@link ResourceSink#resync} with the current snapshot, then each change
   * in the order it happened, on one thread at a time. The sink must return quickly and must not call
   * {@link #apply} or {@link #delete} itself.
   */
  Watch watch(ResourceSink sink);

  /**
   * Creates or replaces {@code resources}, namespaces first. A workload being created records what it
   * inherits from its namespace ({@link Workload#inherited()}); a replaced one keeps what it recorded at
   * creation, so a namespace edit reaches a workload only when it is deleted and created again, as a
   * namespace edit reaches a pod only when the pod is recreated.
   *
   * @return what happened to each resource, in order
   * @throws InvalidResourceException if any resource is invalid; nothing was changed
   */
  List<Change> apply(Collection<? extends Resource> resources);

  /**
   * Deletes the named objects; names that do not exist are reported, not an error.
   *
   * @return what happened to each ref, in order
   */
  List<Change> delete(Collection<ResourceRef> refs);

  /** Stops watching for outside changes and releases resources. Idempotent. */
  @Override
  void close();

  /** A registration from {@link #watch}; closing it stops the events. */
  interface Watch extends AutoCloseable {
    @Override
    void close();
  }
}
