package dev.lattice.control.store;

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

  private MeshKeys() {}
}
