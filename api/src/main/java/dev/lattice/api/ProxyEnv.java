package dev.lattice.api;

/**
 * Names of the proxy's environment variables. They keep Linkerd's names so that manifests, the
 * injector and users' overrides carry over unchanged.
 */
public final class ProxyEnv {
  public static final String PREFIX = "LINKERD2_PROXY_";

  public static final String INBOUND_LISTEN_ADDR = "LINKERD2_PROXY_INBOUND_LISTEN_ADDR";
  public static final String OUTBOUND_LISTEN_ADDR = "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR";
  public static final String ADMIN_LISTEN_ADDR = "LINKERD2_PROXY_ADMIN_LISTEN_ADDR";

  public static final String IDENTITY_DIR = "LINKERD2_PROXY_IDENTITY_DIR";
  public static final String IDENTITY_TRUST_ANCHORS = "LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS";
  public static final String IDENTITY_TOKEN_FILE = "LINKERD2_PROXY_IDENTITY_TOKEN_FILE";
  public static final String IDENTITY_LOCAL_NAME = "LINKERD2_PROXY_IDENTITY_LOCAL_NAME";
  public static final String IDENTITY_SVC_ADDR = "LINKERD2_PROXY_IDENTITY_SVC_ADDR";
  public static final String IDENTITY_SVC_NAME = "LINKERD2_PROXY_IDENTITY_SVC_NAME";
  public static final String IDENTITY_MIN_REFRESH = "LINKERD2_PROXY_IDENTITY_MIN_REFRESH";
  public static final String IDENTITY_MAX_REFRESH = "LINKERD2_PROXY_IDENTITY_MAX_REFRESH";
  public static final String IDENTITY_DISABLED = "LINKERD2_PROXY_IDENTITY_DISABLED";

  public static final String DESTINATION_SVC_ADDR = "LINKERD2_PROXY_DESTINATION_SVC_ADDR";
  public static final String DESTINATION_SVC_NAME = "LINKERD2_PROXY_DESTINATION_SVC_NAME";
  public static final String POLICY_SVC_ADDR = "LINKERD2_PROXY_POLICY_SVC_ADDR";
  public static final String POLICY_SVC_NAME = "LINKERD2_PROXY_POLICY_SVC_NAME";
  public static final String POLICY_WORKLOAD = "LINKERD2_PROXY_POLICY_WORKLOAD";
  public static final String POLICY_CLUSTER_NETWORKS = "LINKERD2_PROXY_POLICY_CLUSTER_NETWORKS";
  public static final String INBOUND_DEFAULT_POLICY = "LINKERD2_PROXY_INBOUND_DEFAULT_POLICY";
  public static final String INBOUND_PORTS = "LINKERD2_PROXY_INBOUND_PORTS";
  /** The addresses inbound connections may be for (the pod's IPs); unset or empty: any. */
  public static final String INBOUND_IPS = "LINKERD2_PROXY_INBOUND_IPS";
  /** Lattice only: {@code deny} (default) or {@code default}; what a port enforces before its first policy. */
  public static final String LATTICE_INBOUND_POLICY_PENDING = "LATTICE_PROXY_INBOUND_POLICY_PENDING";
  /** Lattice only: how long a connection waits for its port's first policy (default 1s). */
  public static final String LATTICE_INBOUND_POLICY_WAIT = "LATTICE_PROXY_INBOUND_POLICY_WAIT";

  public static final String INBOUND_DETECT_TIMEOUT = "LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT";
  public static final String OUTBOUND_DETECT_TIMEOUT = "LINKERD2_PROXY_OUTBOUND_DETECT_TIMEOUT";
  public static final String INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION =
      "LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION";
  public static final String SHUTDOWN_GRACE_PERIOD = "LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD";
  public static final String SHUTDOWN_ENDPOINT_ENABLED = "LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED";
  public static final String LOG = "LINKERD2_PROXY_LOG";

  private ProxyEnv() {}
}
