package dev.lattice.cli.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.cli.CliRun;
import dev.lattice.cli.Golden;
import dev.lattice.control.store.LocalStore;
import dev.lattice.control.store.ManifestParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lattice check --policy} on manifest files and on a state directory, run as a user runs it. The
 * manifests are spec §4.1's {@code web} pod (liveness {@code GET /live} on 8080, readiness {@code GET
 * /ready} on port {@code http}) in namespace {@code shop}.
 */
class PolicyCheckCommandTest {
  private static final String NAMESPACE = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, annotations: {config.linkerd.io/default-inbound-policy: POLICY}}
      """;
  private static final String WEB = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        namespace: shop
        labels: {app: web}
        annotations: {linkerd.io/inject: enabled}
      spec:
        serviceAccountName: web
        containers:
        - name: app
          image: lattice/test-app
          ports:
          - {name: http, containerPort: 8080}
          readinessProbe: {httpGet: {path: /ready, port: http}}
          livenessProbe:  {httpGet: {path: /live,  port: 8080}}
      """;
  private static final String SERVER = """
      apiVersion: policy.linkerd.io/v1beta3
      kind: Server
      metadata: {name: web-http, namespace: shop}
      spec: {podSelector: {matchLabels: {app: web}}, port: http, proxyProtocol: HTTP/1}
      """;
  private static final String ORDERS_ROUTE = """
      apiVersion: policy.linkerd.io/v1beta3
      kind: HTTPRoute
      metadata: {name: orders, namespace: shop}
      spec:
        parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}]
        rules: [{matches: [{path: {type: PathPrefix, value: /orders}}]}]
      """;

  @TempDir Path dir;
  Path manifests;

  @BeforeEach
  void manifests() throws IOException {
    manifests = Files.createDirectory(dir.resolve("manifests"));
  }

  @Test
  void surprisesAreWarningsWithTheirFixes() throws IOException {
    write("1-namespace.yaml", NAMESPACE.replace("POLICY", "all-unauthenticated"));
    write("2-web.yaml", WEB);
    write("3-policy.yaml", SERVER + "---\n" + ORDERS_ROUTE);
    write("4-namespace-later.yaml", NAMESPACE.replace("POLICY", "deny"));

    CliRun run = check("-f", manifests.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("""
        lattice-policy
        --------------
        √ policy resources are valid
        ‼ workloads' default inbound policies match their namespaces
            1 workload(s) run with a default inbound policy their namespace no longer gives:
        \t* shop/web runs with default inbound policy all-unauthenticated (copied from namespace shop when the \
        workload was created), but a workload created in namespace shop now gets deny (namespace shop's \
        config.linkerd.io/default-inbound-policy annotation)
        \t  fix: recreate the workload (roll out its pod template) to take deny, or keep all-unauthenticated by \
        annotating the workload with config.linkerd.io/default-inbound-policy: all-unauthenticated
        ‼ policies authorize every declared probe
            2 declared probe(s) would be refused by their workload's own proxy:
        \t* shop/web container app: the liveness probe GET /live on port 8080 would get HTTP 404, empty body: \
        Server/web-http has HTTPRoute/orders, which replace its automatic probe route, and none matches GET /live
        """).contains("\t* shop/web container app: the readiness probe GET /ready on port 8080")
        .contains("\t  fix: the manifests above, for port 8080, cover this probe too")
        .endsWith("\nStatus check results are √\n");
    Golden.assertMatches("check-policy-warnings.golden", run.out());
  }

  @Test
  void theSuggestedManifestsSilenceTheProbeWarning() throws IOException {
    write("1-all.yaml", NAMESPACE.replace("POLICY", "deny") + "---\n" + WEB + "---\n" + SERVER + "---\n"
        + ORDERS_ROUTE);
    CliRun before = check("-f", manifests.toString());
    String snippet = before.out().lines().filter(l -> l.startsWith("\t    ")).map(l -> l.substring(5))
        .collect(Collectors.joining("\n", "", "\n"));
    assertThat(ManifestParser.parse(snippet)).extracting(r -> r.ref().toString()).containsExactly(
        "HTTPRoute/web-http-probes", "NetworkAuthentication/probe-networks", "AuthorizationPolicy/web-http-probes");

    write("2-probes.yaml", snippet);
    CliRun after = check("-f", manifests.toString());

    assertThat(after.exitCode()).isZero();
    assertThat(after.out()).contains("""
        √ policy resources are valid
        √ workloads' default inbound policies match their namespaces
        √ policies authorize every declared probe
        """).doesNotContain("‼");
  }

  @Test
  void noRoutesAndAnOwnAnnotationMeanNothingToReport() throws IOException {
    write("1-namespace.yaml", NAMESPACE.replace("POLICY", "all-unauthenticated"));
    write("2-web.yaml", WEB.replace("{linkerd.io/inject: enabled}",
        "{linkerd.io/inject: enabled, config.linkerd.io/default-inbound-policy: cluster-authenticated}"));
    write("3-policy.yaml", SERVER);
    write("4-namespace-later.yaml", NAMESPACE.replace("POLICY", "deny"));

    CliRun run = check("-f", manifests.toString(), "-o", "short");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("Status check results are √\n");
  }

  @Test
  void jsonMarksEachFindingAsAWarning() throws IOException {
    write("all.yaml", NAMESPACE.replace("POLICY", "deny") + "---\n" + WEB + "---\n" + SERVER + "---\n" + ORDERS_ROUTE);

    CliRun run = check("-f", manifests.resolve("all.yaml").toString(), "-o", "json");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("{").contains("\"categoryName\"").contains("lattice-policy")
        .contains("\"warning\"").contains("the liveness probe GET /live");
  }

  @Test
  void aStateDirectoryIsReadWithoutBeingChanged() throws IOException {
    Path state = dir.resolve("state");
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(ManifestParser.parse(NAMESPACE.replace("POLICY", "deny") + "---\n" + WEB + "---\n" + SERVER
          + "---\n" + ORDERS_ROUTE));
    }
    List<Path> before = listing(state);

    CliRun run = check("--state-dir", state.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("√ workloads' default inbound policies match their namespaces")
        .contains("‼ policies authorize every declared probe")
        .contains("the readiness probe GET /ready on port 8080 would get HTTP 404");
    assertThat(listing(state)).isEqualTo(before);
  }

  @Test
  void aRunningMeshsStateDirectoryShowsDriftAsManifestsDo() throws IOException {
    Path state = dir.resolve("state");
    // As lattice apply changes a running mesh: the namespace, its workload and policy, then a later
    // namespace edit, each in its own run.
    for (String step : List.of(NAMESPACE.replace("POLICY", "all-unauthenticated"), WEB, SERVER + "---\n"
        + ORDERS_ROUTE, NAMESPACE.replace("POLICY", "deny"))) {
      try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
        store.apply(ManifestParser.parse(step));
      }
    }
    List<Path> before = listing(state);

    CliRun run = check("--state-dir", state.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    // Word for word what manifest mode prints for the same history.
    Golden.assertMatches("check-policy-warnings.golden", run.out());
    assertThat(listing(state)).isEqualTo(before);

    // Following the fix (recreate the workload) ends the drift; the probe warning stays.
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.delete(List.of(ManifestParser.parse(WEB).getFirst().ref()));
      store.apply(ManifestParser.parse(WEB));
    }
    CliRun recreated = check("--state-dir", state.toString());
    assertThat(recreated.out()).contains("√ workloads' default inbound policies match their namespaces")
        .contains("‼ policies authorize every declared probe");
  }

  @Test
  void pinningTheDefaultOnTheWorkloadEndsTheDriftInAStateDirectory() throws IOException {
    Path state = dir.resolve("state");
    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(ManifestParser.parse(NAMESPACE.replace("POLICY", "all-unauthenticated") + "---\n" + WEB));
      store.apply(ManifestParser.parse(NAMESPACE.replace("POLICY", "deny")));
    }
    assertThat(check("--state-dir", state.toString()).out())
        .contains("‼ workloads' default inbound policies match their namespaces");

    try (LocalStore store = LocalStore.open(state, Duration.ZERO)) {
      store.apply(ManifestParser.parse(WEB.replace("{linkerd.io/inject: enabled}",
          "{linkerd.io/inject: enabled, config.linkerd.io/default-inbound-policy: all-unauthenticated}")));
    }
    CliRun pinned = check("--state-dir", state.toString(), "-o", "short");
    assertThat(pinned.exitCode()).isZero();
    assertThat(pinned.out()).isEqualTo("Status check results are √\n");
  }

  @Test
  void aMissingStateDirectoryFailsAndIsNotCreated() {
    Path state = dir.resolve("no-mesh");

    CliRun run = check("--state-dir", state.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("× policy resources are valid\n    no mesh resources in " + state)
        .doesNotContain("probe");
    assertThat(state).doesNotExist();
  }

  @Test
  void invalidManifestsFailTheFirstCheck() throws IOException {
    write("bad.yaml", SERVER.replace("port: http", "port: 0"));

    CliRun run = check("-f", manifests.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("× policy resources are valid\n    the manifests hold invalid resources")
        .contains("Server/web-http").endsWith("Status check results are ×\n");
  }

  @Test
  void optionsAreCheckedBeforeAnythingRuns() throws IOException {
    write("all.yaml", WEB);
    assertThat(CliRun.run("check", "-f", manifests.toString()).err()).contains("need --policy");
    assertThat(check("-f", manifests.toString(), "--state-dir", dir.toString()).err()).contains("not both");
    CliRun missing = check("-f", dir.resolve("nope.yaml").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("does not exist");
  }

  private CliRun check(String... args) {
    List<String> all = new ArrayList<>(List.of("check", "--policy"));
    all.addAll(List.of(args));
    return CliRun.run(all.toArray(String[]::new));
  }

  private void write(String name, String content) throws IOException {
    Files.writeString(manifests.resolve(name), content);
  }

  private static List<Path> listing(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      return walk.sorted().toList();
    }
  }
}
