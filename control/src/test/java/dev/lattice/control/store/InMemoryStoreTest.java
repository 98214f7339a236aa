package dev.lattice.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.control.store.Service.ServicePort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryStoreTest {
  @Test
  void watchStartsWithAResyncThenSeesEachChangeInOrder() {
    InMemoryStore store = InMemoryStore.of(List.of(Namespace.of("a")));
    RecordingSink sink = new RecordingSink();
    store.watch(sink);

    List<Change> changes = store.apply(List.of(Namespace.of("b"), Namespace.of("a")));
    store.apply(List.of(new Namespace("b", Map.of("x", "y"), Map.of())));
    List<Change> deleted = store.delete(List.of(ResourceRef.namespace("a"), ResourceRef.namespace("zz")));

    assertThat(changes).extracting(Change::toString).containsExactly("namespace/b created", "namespace/a unchanged");
    assertThat(deleted).extracting(Change::action).containsExactly(Change.Action.DELETED, Change.Action.NOT_FOUND);
    assertThat(sink.events)
        .containsExactly("resync 1", "apply Namespace/b", "apply Namespace/b", "delete Namespace/a");
    assertThat(store.snapshot().namespaces()).containsExactly(new Namespace("b", Map.of("x", "y"), Map.of()));
  }

  @Test
  void anInvalidResourceRejectsTheWholeBatch() {
    InMemoryStore store = new InMemoryStore();
    RecordingSink sink = new RecordingSink();
    store.watch(sink);
    Service bad =
        new Service("bad", "default", Map.of(), Map.of(), Map.of(), List.of(ServicePort.tcp("", 0, null)), null, false);

    assertThatThrownBy(() -> store.apply(List.of(Namespace.of("ok"), bad)))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessage("Service/bad: spec.ports[0].port: must be 1-65535, got 0");
    assertThat(store.snapshot().size()).isZero();
    assertThat(sink.events).containsExactly("resync 0");
  }

  @Test
  void aClosedWatchHearsNothingMore() {
    InMemoryStore store = new InMemoryStore();
    RecordingSink sink = new RecordingSink();
    store.watch(sink).close();
    store.apply(List.of(Namespace.of("a")));
    assertThat(sink.events).containsExactly("resync 0");
  }
}
