package dev.lattice.control.policy;

import static dev.lattice.control.policy.PolicyFixture.U1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.control.policy.PolicyWarning.DefaultPolicyDrift;
import dev.lattice.control.store.LocalStore;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.MeshKeys;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.Workload;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Evaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec §1.2's timing against a state directory, as {@code lattice check --state-dir} and a restarted
 * control plane read it: the default a workload took from its namespace when it was created outlives
 * the process that created it, because the store records it on the workload.
 */
class DefaultPolicyTimingTest {
  private static final String KEY = PolicyIndex.DEFAULT_POLICY_KEY;

  @TempDir Path state;

  @Test
  void aNamespaceEditAfterCreationIsDriftAndTheWorkloadKeepsWhatItTook() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(List.of(shop("all-unauthenticated"), web()));
      store.apply(List.of(shop("deny")));
    }

    // A fresh index, as a controller started now builds it, from what the directory holds.
    PolicyIndex index = reread();
    Workload w = index.workload("shop", "web").orElseThrow();
    EffectivePolicy port = index.portPolicy(w, 8080);
    assertThat(port.policy().server().name()).isEqualTo("all-unauthenticated");
    assertThat(port.defaultSource()).isEqualTo("namespace annotation (copied when the workload was created)");
    assertThat(Evaluator.of(port.policy()).decide(U1).allowed()).as("an unmeshed client still gets in").isTrue();

    assertThat(PolicyWarnings.of(index)).singleElement().isInstanceOfSatisfying(DefaultPolicyDrift.class, d -> {
      assertThat(d.effective()).isEqualTo(DefaultPolicy.ALL_UNAUTHENTICATED);
      assertThat(d.namespaceNow()).isEqualTo(DefaultPolicy.DENY);
      assertThat(d.summary()).isEqualTo("shop/web runs with default inbound policy all-unauthenticated (copied"
          + " from namespace shop when the workload was created), but a workload created in namespace shop now gets"
          + " deny (namespace shop's config.linkerd.io/default-inbound-policy annotation)");
    });
  }

  @Test
  void aRecreatedWorkloadTakesTheNewValueAndTheDriftEnds() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(List.of(shop("all-unauthenticated"), web()));
      store.apply(List.of(shop("deny")));
      store.delete(List.of(web().ref()));
      store.apply(List.of(web()));
    }

    PolicyIndex index = reread();
    Workload w = index.workload("shop", "web").orElseThrow();
    assertThat(index.portPolicy(w, 8080).policy().server().name()).isEqualTo("deny");
    assertThat(Evaluator.of(index.portPolicy(w, 8080).policy()).decide(U1).allowed()).isFalse();
    assertThat(PolicyWarnings.of(index)).isEmpty();
  }

  @Test
  void aNamespaceWithoutTheAnnotationAtCreationMeansTheClusterDefault() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(List.of(shop(null), web()));
      store.apply(List.of(shop("deny")));
    }

    PolicyIndex index = reread();
    Workload w = index.workload("shop", "web").orElseThrow();
    assertThat(index.portPolicy(w, 8080).policy().server().name()).isEqualTo("all-unauthenticated");
    assertThat(index.portPolicy(w, 8080).defaultSource()).isEqualTo("cluster default");
    assertThat(PolicyWarnings.of(index)).singleElement().extracting(PolicyWarning::summary).asString()
        .contains("(the cluster default: namespace shop had no annotation when the workload was created)");
  }

  @Test
  void aLongRunningIndexAndARestartedOneAgree() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      PolicyIndex running = new PolicyIndex(PolicyConfig.defaults());
      try (var watch = store.watch(running)) {
        store.apply(List.of(shop("all-unauthenticated"), web()));
        store.apply(List.of(shop("deny")));
        // A readiness update, as the supervisor publishes it, is no re-creation.
        store.apply(List.of(web().withStatus(java.net.InetAddress.ofLiteral("10.1.0.10"), true)));
      }
      PolicyIndex restarted = reread();
      for (PolicyIndex index : List.of(running, restarted)) {
        Workload w = index.workload("shop", "web").orElseThrow();
        assertThat(index.portPolicy(w, 8080).policy().server().name()).isEqualTo("all-unauthenticated");
        assertThat(index.effectiveAnnotations(w)).containsEntry(KEY, "all-unauthenticated");
      }
    }
  }

  @Test
  void stateWithoutTheRecordLoadsAndTakesTheNamespaceAsItIsNow() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(List.of(shop("deny")));
    }
    Path pod = state.resolve("resources/pods/shop/web.yaml");
    Files.createDirectories(pod.getParent());
    Files.writeString(pod, """
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop, annotations: {linkerd.io/inject: enabled}}
        spec: {serviceAccountName: web, containers: [{name: app, ports: [{containerPort: 8080}]}]}
        """);

    PolicyIndex index = reread();
    Workload w = index.workload("shop", "web").orElseThrow();
    assertThat(w.inherited()).isNull();
    assertThat(index.portPolicy(w, 8080).policy().server().name()).isEqualTo("deny");
    assertThat(PolicyWarnings.of(index)).as("nothing recorded, nothing to compare").isEmpty();
  }

  @Test
  void opaquePortsAreTakenAtCreationToo() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(List.of(new Namespace("shop", Map.of(), Map.of(MeshKeys.OPAQUE_PORTS, "8080")), web()));
      store.apply(List.of(shop(null)));
    }
    PolicyIndex index = reread();
    Workload w = index.workload("shop", "web").orElseThrow();
    assertThat(index.portPolicy(w, 8080).policy().protocol().hasRoutes()).as("still opaque").isFalse();
  }

  private PolicyIndex reread() throws Exception {
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      return PolicyIndex.of(store.snapshot(), PolicyConfig.defaults());
    }
  }

  private static Namespace shop(String defaultPolicy) {
    return new Namespace("shop", Map.of(), defaultPolicy == null ? Map.of() : Map.of(KEY, defaultPolicy));
  }

  private static Workload web() {
    return (Workload) ManifestParser.parse(PolicyFixture.resource("web.yaml")).getFirst();
  }
}
