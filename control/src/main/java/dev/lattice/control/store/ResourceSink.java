package dev.lattice.control.store;

/**
 * Where a {@link Store} pushes changes. Indexes implement it; they never hold a store or a Kubernetes
 * client, so the same index runs on every store.
 */
public interface ResourceSink {
  /** Replaces everything the sink knows with {@code snapshot} (on watch start, and after a reload). */
  void resync(Snapshot snapshot);

  /** {@code resource} was created or replaced. */
  void apply(Resource resource);

  /** {@code resource}, as it last was, was deleted. */
  void delete(Resource resource);
}
