package dev.lattice.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store records, when it creates a workload, what the workload inherits from its namespace (spec
 * §1.2: the injector copies the namespace's annotations onto the pod then), keeps that record through
 * every later change of the workload, and persists it in the state directory.
 */
class InheritedAtCreationTest {
  private static final String KEY = MeshKeys.DEFAULT_INBOUND_POLICY;

  @TempDir Path state;

  @Test
  void aCreatedWorkloadRecordsItsNamespaceAnnotationsInTheStateDirectory() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(List.of(shop(Map.of(KEY, "all-unauthenticated", MeshKeys.OPAQUE_PORTS, "3306",
          MeshKeys.SKIP_INBOUND_PORTS, "4190"))));
      store.apply(List.of(web()));

      assertThat(store.snapshot().workloads().getFirst().inherited())
          .as("only the keys a workload inherits at creation")
          .isEqualTo(Map.of(KEY, "all-unauthenticated", MeshKeys.OPAQUE_PORTS, "3306"));
      assertThat(Files.readString(store.pathOf(web().ref()))).contains("""
          status:
            inheritedAnnotations:
              config.linkerd.io/default-inbound-policy: all-unauthenticated
              config.linkerd.io/opaque-ports: "3306"
          """);
    }
    try (LocalStore reopened = LocalStore.open(state, Duration.ZERO)) {
      assertThat(reopened.snapshot().workloads().getFirst().inherited())
          .isEqualTo(Map.of(KEY, "all-unauthenticated", MeshKeys.OPAQUE_PORTS, "3306"));
    }
  }

  @Test
  void aNamespaceEditDoesNotReachAWorkloadThatExists() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(List.of(shop(Map.of(KEY, "all-unauthenticated")), web()));
      store.apply(List.of(shop(Map.of(KEY, "deny"))));

      // Updates keep the record, whatever the caller's copy says: readiness, as the supervisor
      // publishes it, and a record claiming another inheritance.
      Workload ready = web().withStatus(InetAddress.ofLiteral("10.42.0.5"), true);
      assertThat(store.apply(List.of(ready))).extracting(Change::action).containsExactly(Change.Action.CONFIGURED);
      store.apply(List.of(ready.withInherited(Map.of(KEY, "deny"))));

      assertThat(store.snapshot().workloads()).singleElement().satisfies(w -> {
        assertThat(w.ready()).isTrue();
        assertThat(w.inherited()).isEqualTo(Map.of(KEY, "all-unauthenticated"));
      });
      assertThat(store.apply(List.of(ready))).extracting(Change::action).containsExactly(Change.Action.UNCHANGED);
    }
    try (LocalStore reopened = LocalStore.open(state, Duration.ZERO)) {
      assertThat(reopened.snapshot().workloads().getFirst().inherited()).isEqualTo(Map.of(KEY, "all-unauthenticated"));
    }
  }

  @Test
  void aRecreatedWorkloadTakesTheNamespaceAsItIsThen() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(List.of(shop(Map.of(KEY, "all-unauthenticated")), web()));
      store.apply(List.of(shop(Map.of(KEY, "deny"))));

      store.delete(List.of(web().ref()));
      store.apply(List.of(web()));

      assertThat(store.snapshot().workloads().getFirst().inherited()).isEqualTo(Map.of(KEY, "deny"));
    }
  }

  @Test
  void aNamespaceWithoutAnnotationsOrNoNamespaceIsRecordedAsNothingInherited() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(List.of(shop(Map.of()), web()));
      store.apply(List.of(new Workload("orphan", "gone", "", Map.of(), Map.of(),
          List.of(Workload.Container.of("app")), null, false)));

      assertThat(store.snapshot().workloads()).extracting(Workload::inherited).containsExactly(Map.of(), Map.of());
      // Written even when empty: "nothing inherited" must read back differently from "not recorded".
      assertThat(Files.readString(store.pathOf(web().ref()))).contains("inheritedAnnotations: {}");
      store.apply(List.of(shop(Map.of(KEY, "deny"))));
    }
    try (LocalStore reopened = LocalStore.open(state, Duration.ZERO)) {
      assertThat(reopened.snapshot().workloads()).extracting(Workload::inherited).containsExactly(Map.of(), Map.of());
    }
  }

  @Test
  void aBatchCreatesItsNamespacesFirstAndReportsInItsOwnOrder() {
    try (InMemoryStore store = new InMemoryStore()) {
      store.apply(List.of(shop(Map.of(KEY, "all-unauthenticated"))));

      List<Change> changes = store.apply(List.of(web(), shop(Map.of(KEY, "deny"))));

      assertThat(changes).extracting(Change::ref, Change::action).containsExactly(
          org.assertj.core.groups.Tuple.tuple(web().ref(), Change.Action.CREATED),
          org.assertj.core.groups.Tuple.tuple(ResourceRef.namespace("shop"), Change.Action.CONFIGURED));
      assertThat(store.snapshot().workloads().getFirst().inherited()).isEqualTo(Map.of(KEY, "deny"));
    }
  }

  @Test
  void stateWrittenBeforeTheRecordExistedStillLoadsAndIsNotGivenOne() throws Exception {
    Path pod = state.resolve("resources/pods/shop/web.yaml");
    Files.createDirectories(pod.getParent());
    Files.writeString(pod, """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop, labels: {linkerd.io/control-plane-ns: linkerd}}
        spec:
          serviceAccountName: web
          containers: [{name: app, ports: [{containerPort: 8080}]}]
        status:
          podIP: 10.42.0.5
          conditions: [{type: Ready, status: "True"}]
        """);
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(List.of(shop(Map.of(KEY, "deny"))));
      Workload old = store.snapshot().workloads().getFirst();
      assertThat(old.inherited()).as("unknown, not invented").isNull();
      assertThat(old.ready()).isTrue();

      store.apply(List.of(old.withStatus(old.ip(), false)));

      assertThat(store.snapshot().workloads().getFirst().inherited()).isNull();
      assertThat(Files.readString(pod)).doesNotContain("inheritedAnnotations");
    }
  }

  @Test
  void aMalformedRecordIsAnErrorNamingTheField() {
    assertThatThrownBy(() -> ManifestParser.parse("""
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop}
        spec: {containers: [{name: app}]}
        status: {inheritedAnnotations: [deny]}
        """)).isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining("status.inheritedAnnotations").hasMessageContaining("must be a mapping");
  }

  @Test
  void theRecordRoundTripsThroughTheManifestForm() {
    Workload recorded = web().withInherited(Map.of(KEY, "cluster-authenticated"));
    assertThat(ManifestParser.parse(ManifestWriter.write(recorded))).containsExactly(recorded);
    Workload empty = web().withInherited(Map.of());
    assertThat(ManifestParser.parse(ManifestWriter.write(empty))).containsExactly(empty);
    assertThat(ManifestParser.parse(ManifestWriter.write(web()))).containsExactly(web());
  }

  private static Namespace shop(Map<String, String> annotations) {
    return new Namespace("shop", Map.of(), annotations);
  }

  private static Workload web() {
    return new Workload("web", "shop", "web", Map.of(MeshKeys.CONTROL_PLANE_NS_LABEL, "linkerd"), Map.of(),
        List.of(Workload.Container.of("app", Workload.ContainerPort.tcp("http", 8080))), null, false);
  }
}
