package dev.lattice.control.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.control.store.Kind;
import dev.lattice.control.store.LocalStore;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.ManifestWriter;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.ResourceRef;
import dev.lattice.control.store.Workload;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy kinds and pod probes survive the store's YAML round trip and its state directory. */
class PolicyResourceStoreTest {
  @TempDir Path dir;

  @Test
  void policyResourcesAndProbesReadBackEqual() {
    List<Resource> all = new PolicyFixture().with("Server/web-http", "NetworkAuthentication/shop-pods").yaml(
        ScenariosTest.httpRoute("orders", "[{matches: [{path: {type: PathPrefix, value: /orders}, method: GET}]}]")
            .replace("namespace: shop}", "namespace: shop, creationTimestamp: \"2026-01-01T00:00:00Z\"}")
        + "---\n" + ScenariosTest.httpRoute("orders", "[]").replace("policy.linkerd.io/v1beta3", "gateway.networking.k8s.io/v1"))
        .resources();
    for (Resource r : all) {
      assertThat(ManifestParser.parse(ManifestWriter.write(r))).as(r.ref().toString()).containsExactly(r);
    }
    Workload web = (Workload) all.stream().filter(r -> r instanceof Workload).findFirst().orElseThrow();
    assertThat(web.containers().getFirst().probes()).extracting(Workload.HttpProbe::path).containsExactly("/live", "/ready");
  }

  @Test
  void probesKeepTheirKindThroughTheYamlRoundTrip() {
    Workload web = (Workload) ManifestParser.parse(PolicyFixture.resource("web.yaml").replace(
        "    livenessProbe:  {httpGet: {path: /live,  port: 8080}}\n", "")).getFirst();
    assertThat(web.containers().getFirst().probes()).containsExactly(
        new Workload.HttpProbe(Workload.ProbeKind.READINESS, "http", "/ready"));
    assertThat(ManifestWriter.write(web)).contains("readinessProbe").doesNotContain("livenessProbe");
    assertThat(ManifestParser.parse(ManifestWriter.write(web))).containsExactly(web);
  }

  @Test
  void bothHttpRouteGroupsLiveSideBySideInALocalStore() throws Exception {
    List<Resource> all = new PolicyFixture().yaml(ScenariosTest.httpRoute("orders", "[]") + "---\n"
        + ScenariosTest.httpRoute("orders", "[]").replace("policy.linkerd.io/v1beta3", "gateway.networking.k8s.io/v1"))
        .resources();
    try (LocalStore store = LocalStore.open(dir, java.time.Duration.ofHours(1))) {
      store.apply(all);
    }
    try (LocalStore store = LocalStore.open(dir, java.time.Duration.ofHours(1))) {
      assertThat(store.snapshot().get(ResourceRef.of(Kind.HTTP_ROUTE, "shop", "orders"))).isPresent();
      assertThat(store.snapshot().get(ResourceRef.of(Kind.GATEWAY_HTTP_ROUTE, "shop", "orders"))).isPresent();
      assertThat(store.snapshot().size()).isEqualTo(all.size());
    }
  }
}
