package dev.lattice.control.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.Resource;
import dev.lattice.policy.Client;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Headers;
import dev.lattice.policy.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Spec §4.1's fixture as manifests (test resources {@code policy/fixture/*.yaml}), loaded through
 * {@link ManifestPolicies} exactly as {@code lattice authz explain} loads files.
 */
final class PolicyFixture {
  static final String TD = ".serviceaccount.identity.linkerd.cluster.local";
  static final Client M1 = Client.meshed("10.1.0.20", "frontend.shop" + TD);
  static final Client M2 = Client.meshed("10.2.0.5", "reports.ops" + TD);
  static final Client M3 = Client.meshed("198.51.100.7", "vm.edge" + TD);
  static final Client P = Client.meshed("10.3.0.4", "prometheus.linkerd-viz" + TD);
  static final Client U1 = Client.plaintext("10.1.0.30");
  static final Client U2 = Client.plaintext("10.2.0.9");
  static final Client X1 = Client.plaintext("203.0.113.50");
  static final Client K = Client.plaintext("10.0.0.2");

  private DefaultPolicy clusterDefault = DefaultPolicy.ALL_UNAUTHENTICATED;
  private final List<String> catalogue = new ArrayList<>();
  private final StringBuilder extra = new StringBuilder();
  private String namespaceAnnotation;
  private String workloadAnnotation;
  private ManifestPolicies loaded;

  static PolicyFixture given() {
    return new PolicyFixture();
  }

  PolicyFixture clusterDefault(DefaultPolicy policy) {
    clusterDefault = policy;
    return this;
  }

  /** Catalogue entries by {@code Kind/name}, e.g. {@code Server/web-http}. */
  PolicyFixture with(String... entries) {
    catalogue.addAll(List.of(entries));
    return this;
  }

  PolicyFixture yaml(String manifests) {
    extra.append("\n---\n").append(manifests);
    return this;
  }

  PolicyFixture namespaceDefault(String value) {
    namespaceAnnotation = value;
    return this;
  }

  PolicyFixture workloadDefault(String value) {
    workloadAnnotation = value;
    return this;
  }

  PolicyConfig config() {
    return PolicyConfig.defaults().withClusterDefault(clusterDefault);
  }

  /** Every resource, in creation order: namespaces, the workload, catalogue entries, then the scenario's own. */
  List<Resource> resources() {
    String namespaces = resource("namespaces.yaml");
    if (namespaceAnnotation != null) {
      namespaces = namespaces.replace("metadata: {name: shop}",
          "metadata: {name: shop, annotations: {config.linkerd.io/default-inbound-policy: " + namespaceAnnotation + "}}");
    }
    String web = resource("web.yaml");
    if (workloadAnnotation != null) {
      web = web.replace("annotations: {linkerd.io/inject: enabled}",
          "annotations: {linkerd.io/inject: enabled, config.linkerd.io/default-inbound-policy: " + workloadAnnotation + "}");
    }
    List<Resource> all = new ArrayList<>(ManifestParser.parse(namespaces));
    all.addAll(ManifestParser.parse(web));
    List<Resource> cat = ManifestParser.parse(resource("catalogue.yaml"));
    for (String entry : catalogue) {
      all.add(cat.stream().filter(r -> r.ref().toString().equals(entry)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no catalogue entry " + entry)));
    }
    if (!extra.isEmpty()) {
      all.addAll(ManifestParser.parse(extra.toString()));
    }
    return all;
  }

  ManifestPolicies policies() {
    if (loaded == null) {
      loaded = ManifestPolicies.of(resources(), config());
    }
    return loaded;
  }

  Decision http(Client client, int port, String method, String pathAndQuery, String... headers) {
    return explained(port, client, Request.of(method, pathAndQuery, Headers.of(headers)));
  }

  /**
   * The CLI's explanation, after checking that the proxy's fast path ({@code decide}) reaches the same
   * decision with the same labels.
   */
  private Decision explained(int port, Client client, Request request) {
    Decision explained = policies().explain("shop", "web", port, client, request);
    var evaluator = dev.lattice.policy.Evaluator.of(policies().portPolicy("shop", "web", port).policy());
    Decision fast = request == null ? evaluator.decide(client) : evaluator.decide(client, request);
    assertThat(List.of(fast.outcome(), fast.level(), fast.audit(), fast.server(), String.valueOf(fast.route()),
            String.valueOf(fast.authorization()), fast.response()))
        .as("decide() agrees with explain()")
        .isEqualTo(List.of(explained.outcome(), explained.level(), explained.audit(), explained.server(),
            String.valueOf(explained.route()), String.valueOf(explained.authorization()), explained.response()));
    return explained;
  }

  /** The spec's default request: {@code GET /orders} to the app port 8080. */
  Decision defaultRequest(Client client) {
    return http(client, 8080, "GET", "/orders");
  }

  Decision tcp(Client client, int port) {
    return explained(port, client, null);
  }

  Decision grpc(Client client, String service, String method) {
    return explained(9000, client, Request.grpc(service, method));
  }

  static String resource(String name) {
    try (InputStream in = PolicyFixture.class.getResourceAsStream("/policy/fixture/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- expectations, in the spec's metric notation (kind/name)

  static void allowed(Decision d, String server, String route, String authz) {
    assertThat(d.outcome()).as(d.reason()).isEqualTo(Decision.Outcome.ALLOWED);
    assertThat(d.server()).as("server").hasToString(server);
    assertThat(String.valueOf(d.route())).as("route").isEqualTo(route);
    assertThat(d.authorization()).as("authz").hasToString(authz);
    assertThat(d.response()).isEqualTo(Decision.Response.FORWARD);
  }

  static void denied(Decision d, String server, String route) {
    assertThat(d.outcome()).as(d.reason()).isEqualTo(Decision.Outcome.UNAUTHORIZED);
    assertThat(d.server()).as("server").hasToString(server);
    assertThat(String.valueOf(d.route())).as("route").isEqualTo(route);
    assertThat(d.authorization()).isNull();
    assertThat(d.suggestion()).isNotBlank();
  }

  static void forbidden(Decision d, String server, String route) {
    denied(d, server, route);
    assertThat(d.response()).isEqualTo(Decision.Response.HTTP_403);
  }

  static void noRoute(Decision d, String server) {
    assertThat(d.outcome()).as(d.reason()).isEqualTo(Decision.Outcome.NO_ROUTE);
    assertThat(d.server()).hasToString(server);
    assertThat(d.response()).isIn(Decision.Response.HTTP_404, Decision.Response.GRPC_NOT_FOUND);
  }

  static void closed(Decision d, String server) {
    denied(d, server, "null");
    assertThat(d.level()).isEqualTo(Decision.Level.CONNECTION);
    assertThat(d.response()).isEqualTo(Decision.Response.CLOSE);
  }

  static void connectionAllowed(Decision d, String server, String authz) {
    allowed(d, server, "null", authz);
    assertThat(d.level()).isEqualTo(Decision.Level.CONNECTION);
  }

  static Map<String, String> none() {
    return Map.of();
  }
}
