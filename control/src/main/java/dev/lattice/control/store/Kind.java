package dev.lattice.control.store;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The kinds of resource the store holds, with the names they have in manifests. */
public enum Kind {
  NAMESPACE("Namespace", "namespaces", false),
  SERVICE_ACCOUNT("ServiceAccount", "serviceaccounts", true),
  WORKLOAD("Pod", "pods", true),
  SERVICE("Service", "services", true),
  // Inbound policy (spec/policy.md): held as PolicyResource, decoded by dev.lattice.control.policy.
  SERVER("Server", "servers", Groups.POLICY, "v1alpha1", "v1beta1", "v1beta2", "v1beta3"),
  SERVER_AUTHORIZATION("ServerAuthorization", "serverauthorizations", Groups.POLICY, "v1alpha1", "v1beta1"),
  AUTHORIZATION_POLICY("AuthorizationPolicy", "authorizationpolicies", Groups.POLICY, "v1alpha1"),
  MESH_TLS_AUTHENTICATION("MeshTLSAuthentication", "meshtlsauthentications", Groups.POLICY, "v1alpha1"),
  NETWORK_AUTHENTICATION("NetworkAuthentication", "networkauthentications", Groups.POLICY, "v1alpha1"),
  HTTP_ROUTE("HTTPRoute", "httproutes", Groups.POLICY, "v1alpha1", "v1beta1", "v1beta2", "v1beta3"),
  GATEWAY_HTTP_ROUTE("HTTPRoute", "httproutes", Groups.GATEWAY, "v1", "v1beta1"),
  GRPC_ROUTE("GRPCRoute", "grpcroutes", Groups.GATEWAY, "v1", "v1alpha2");

  private final String manifestKind;
  private final String plural;
  private final boolean namespaced;
  private final String group;
  private final List<String> versions;

  Kind(String manifestKind, String plural, boolean namespaced) {
    this.manifestKind = manifestKind;
    this.plural = plural;
    this.namespaced = namespaced;
    this.group = "";
    this.versions = List.of("v1");
  }

  /** A namespaced custom resource of {@code group}; its plural is qualified, as kubectl's {@code servers.policy.linkerd.io}. */
  Kind(String manifestKind, String plural, String group, String... versions) {
    this.manifestKind = manifestKind;
    this.plural = plural + "." + group;
    this.namespaced = true;
    this.group = group;
    this.versions = List.of(versions);
  }

  /** The API group ({@code ""} for core). */
  public String group() {
    return group;
  }

  /** The {@code apiVersion:} values a manifest may use, e.g. {@code policy.linkerd.io/v1beta3}. */
  public List<String> apiVersions() {
    return versions.stream().map(v -> group.isEmpty() ? v : group + "/" + v).toList();
  }

  /** Whether this is an inbound policy kind, held as a {@link PolicyResource}. */
  public boolean isPolicy() {
    return !group.isEmpty();
  }

  /** The {@code kind:} a manifest uses, e.g. {@code Pod} for a workload. */
  public String manifestKind() {
    return manifestKind;
  }

  /** Lower-case plural, as kubectl and the local state directory name it. */
  public String plural() {
    return plural;
  }

  public boolean namespaced() {
    return namespaced;
  }

  /** The kind for a manifest's {@code kind:} value (case-sensitive, like the API server). */
  public static Optional<Kind> ofManifestKind(String kind) {
    return Arrays.stream(values()).filter(k -> k.manifestKind.equals(kind)).findFirst();
  }

  /**
   * The kind for a manifest's {@code apiVersion:} and {@code kind:}: the group tells an HTTPRoute of
   * {@code policy.linkerd.io} from one of {@code gateway.networking.k8s.io}. Falls back to the kind
   * alone when the group matches none (the caller then reports the apiVersion).
   */
  public static Optional<Kind> ofManifest(String apiVersion, String kind) {
    String group = apiVersion == null || apiVersion.indexOf('/') < 0 ? "" : apiVersion.substring(0, apiVersion.indexOf('/'));
    return Arrays.stream(values())
        .filter(k -> k.manifestKind.equals(kind) && k.group.equals(group))
        .findFirst()
        .or(() -> ofManifestKind(kind));
  }

  /** API group names, spelled once. */
  public static final class Groups {
    public static final String POLICY = "policy.linkerd.io";
    public static final String GATEWAY = "gateway.networking.k8s.io";

    private Groups() {}
  }
}
