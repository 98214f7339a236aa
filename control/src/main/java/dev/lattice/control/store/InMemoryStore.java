package dev.lattice.control.store;

import java.util.Collection;
import java.util.List;

/** A store that lives and dies with the process: for tests and for embedding. */
public final class InMemoryStore implements Store {
  private final StoreState state = new StoreState();

  public InMemoryStore() {}

  public static InMemoryStore of(Collection<? extends Resource> resources) {
    InMemoryStore store = new InMemoryStore();
    store.apply(resources);
    return store;
  }

  @Override
  public Snapshot snapshot() {
    return state.snapshot();
  }

  @Override
  public Watch watch(ResourceSink sink) {
    return state.watch(sink);
  }

  @Override
  public List<Change> apply(Collection<? extends Resource> resources) {
    ResourceValidator.check(resources);
    return state.locked(() -> state.applyBatch(resources, state::put));
  }

  @Override
  public List<Change> delete(Collection<ResourceRef> refs) {
    return state.locked(() -> refs.stream().map(state::remove).toList());
  }

  @Override
  public void close() {}
}
