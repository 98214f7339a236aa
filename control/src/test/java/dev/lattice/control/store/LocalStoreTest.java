package dev.lattice.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreTest {
  private static final String APP =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: emojivoto}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web-0, namespace: emojivoto, labels: {app: web}}
      spec:
        containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web-svc, namespace: emojivoto}
      spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
      """;

  @TempDir Path state;

  @Test
  void writesOneManifestPerObjectAndReloadsThemOnRestart() throws Exception {
    List<Resource> app = ManifestParser.parse(APP);
    List<Resource> stored;
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      assertThat(store.apply(app)).extracting(Change::action).containsOnly(Change.Action.CREATED);
      assertThat(store.apply(app)).extracting(Change::action).containsOnly(Change.Action.UNCHANGED);
      stored = List.copyOf(store.snapshot().resources().values());
    }
    assertThat(state.resolve("resources/namespaces/emojivoto.yaml")).isRegularFile();
    assertThat(state.resolve("resources/pods/emojivoto/web-0.yaml")).isRegularFile();
    Path svcFile = state.resolve("resources/services/emojivoto/web-svc.yaml");
    assertThat(ManifestParser.parse(svcFile)).containsExactly(app.get(2));

    try (LocalStore reopened = LocalStore.open(state, Duration.ZERO)) {
      // As stored: the pod also records what it inherited from its namespace (nothing, here).
      assertThat(reopened.snapshot().resources().values()).containsExactlyInAnyOrderElementsOf(stored);
      assertThat(reopened.snapshot().workloads().getFirst())
          .isEqualTo(((Workload) app.get(1)).withInherited(java.util.Map.of()));
      reopened.delete(List.of(app.get(1).ref()));
    }
    assertThat(state.resolve("resources/pods/emojivoto/web-0.yaml")).doesNotExist();
    try (LocalStore again = LocalStore.open(state, Duration.ZERO)) {
      assertThat(again.snapshot().workloads()).isEmpty();
      assertThat(again.snapshot().services()).hasSize(1);
    }
  }

  @Test
  void anInvalidBatchChangesNoFile() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(ManifestParser.parse(APP));
      Workload pod = store.snapshot().workloads().getFirst();
      Workload broken = pod.withStatus(null, true);

      assertThatThrownBy(
              () -> store.apply(List.of(pod.withStatus(InetAddress.ofLiteral("10.0.0.1"), true), broken)))
          .isInstanceOf(InvalidResourceException.class)
          .hasMessageContaining("listed more than once");
      assertThat(ManifestParser.parse(store.pathOf(pod.ref()))).containsExactly(pod);
    }
  }

  @Test
  void aSecondStoreOnTheSameDirectorySeesChangesFromTheFirst() throws Exception {
    try (LocalStore cli = LocalStore.open(state, Duration.ZERO);
        LocalStore controlPlane = LocalStore.open(state, Duration.ofMillis(20))) {
      RecordingSink sink = new RecordingSink();
      controlPlane.watch(sink);

      cli.apply(ManifestParser.parse(APP));
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(controlPlane.snapshot()).isEqualTo(cli.snapshot()));
      assertThat(sink.events)
          .containsExactly(
              "resync 0", "apply Namespace/emojivoto", "apply Pod/web-0", "apply Service/web-svc");

      Workload pod = cli.snapshot().workloads().getFirst();
      Workload running = pod.withStatus(InetAddress.ofLiteral("10.42.0.5"), true);
      cli.apply(List.of(running));
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(controlPlane.snapshot().workloads()).containsExactly(running));

      cli.delete(List.of(pod.ref()));
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(sink.events).endsWith("delete Pod/web-0"));
      assertThat(controlPlane.snapshot().workloads()).isEmpty();
    }
  }

  @Test
  void aFileEditedIntoAnInvalidStateIsIgnoredAndTheLastGoodVersionKept() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(ManifestParser.parse(APP));
      Service svc = store.snapshot().services().getFirst();
      Path file = store.pathOf(svc.ref());

      Files.writeString(file, Files.readString(file).replace("port: 80", "port: 0"));
      store.refresh();
      assertThat(store.snapshot().services()).containsExactly(svc);

      Files.writeString(state.resolve("resources/namespaces/stray.yaml"), "kind: [");
      Files.writeString(
          state.resolve("resources/namespaces/misplaced.yaml"),
          "apiVersion: v1\nkind: Namespace\nmetadata: {name: elsewhere}\n");
      store.refresh();
      assertThat(store.snapshot().namespaces()).extracting(Namespace::name).containsExactly("emojivoto");

      Files.writeString(file, Files.readString(file).replace("port: 0", "port: 81"));
      store.refresh();
      assertThat(store.snapshot().services().getFirst().ports().getFirst().port()).isEqualTo(81);
    }
  }
}
