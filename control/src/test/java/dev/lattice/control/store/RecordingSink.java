package dev.lattice.control.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a store told it, as readable lines, e.g. {@code apply Pod/web}. */
final class RecordingSink implements ResourceSink {
  final List<String> events = new CopyOnWriteArrayList<>();
  volatile Snapshot lastResync;

  @Override
  public void resync(Snapshot snapshot) {
    lastResync = snapshot;
    events.add("resync " + snapshot.size());
  }

  @Override
  public void apply(Resource resource) {
    events.add("apply " + resource.ref());
  }

  @Override
  public void delete(Resource resource) {
    events.add("delete " + resource.ref());
  }
}
