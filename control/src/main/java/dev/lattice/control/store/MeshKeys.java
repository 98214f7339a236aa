package dev.lattice.control.store;

import java.util.List;

/**
 * The label and annotation keys the model reads. They keep Linkerd's spelling byte for byte so that
 * manifests written for Linkerd carry over.
 */
public final class MeshKeys {
  /** On a pod: the control plane's namespace; its presence is what makes a pod meshed. */
  public static final String CONTROL_PLANE_NS_LABEL = "linkerd.io/control-plane-ns";
  /** On a pod or namespace: ports (numbers, ranges, names) whose traffic is opaque TCP. */
  public static final String OPAQUE_PORTS = "config.linkerd.io/opaque-ports";
  /** On a pod: inbound ports the proxy does not intercept, so peers reach them without mTLS. */
  public static final String SKIP_INBOUND_PORTS = "config.linkerd.io/skip-inbound-ports";
  /** On a pod or namespace: the default inbound policy of ports no Server selects. */
  public static final String DEFAULT_INBOUND_POLICY = "config.linkerd.io/default-inbound-policy";
  /** On a pod or namespace: ports on which an unauthenticated default becomes its authenticated variant. */
  public static final String REQUIRE_IDENTITY_INBOUND_PORTS = "config.linkerd.io/proxy-require-identity-inbound-ports";
  /** On a pod: the proxy's log filter ({@code LINKERD2_PROXY_LOG}), e.g. {@code warn,linkerd=debug}. */
  public static final String PROXY_LOG_LEVEL = "config.linkerd.io/proxy-log-level";
  /**
   * The namespace annotations a workload takes when it is created, as the injector copies them onto a
   * pod (spec/policy.md §1.2, §1.4); later namespace edits do not reach existing workloads.
   */
  public static final List<String> INHERITED_AT_CREATION =
      List.of(DEFAULT_INBOUND_POLICY, OPAQUE_PORTS, REQUIRE_IDENTITY_INBOUND_PORTS);

  private MeshKeys() {}
}
