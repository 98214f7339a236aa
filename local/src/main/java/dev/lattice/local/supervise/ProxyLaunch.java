package dev.lattice.local.supervise;

import dev.lattice.api.Ports;
import dev.lattice.api.ProxyEnv;
import dev.lattice.control.policy.PolicyIndex;
import dev.lattice.control.store.MeshKeys;
import dev.lattice.local.mesh.MeshLayout;
import dev.lattice.local.mesh.MeshResources;
import dev.lattice.local.proxyinit.ProxyInitConfig;
import dev.lattice.local.up.Installation;
import dev.lattice.pki.IdentityName;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a workload's proxy is started: inside the workload's namespace, as uid/gid {@value
 * ProxyInitConfig#PROXY_UID} with no supplementary groups (so proxy-init's owner rule exempts its
 * traffic), from the world-readable copy of its class path, with Linkerd's environment variables.
 */
public final class ProxyLaunch {
  public static final String TRUST_DOMAIN = "cluster.local";
  /**
   * The mesh's default inbound policy, for the control plane and every proxy. Everything is allowed
   * until policy resources say otherwise, as after a default Linkerd install.
   */
  public static final String DEFAULT_INBOUND_POLICY = "all-unauthenticated";

  private ProxyLaunch() {}

  /** {@code <sa>.<ns>.serviceaccount.identity.linkerd.cluster.local}. */
  public static IdentityName identity(String serviceAccount, String namespace) {
    return IdentityName.forServiceAccount(serviceAccount, namespace, MeshResources.CONTROL_PLANE_NAMESPACE, TRUST_DOMAIN);
  }

  /**
   * @param runtime the world-readable copy of the proxy's class path ({@code lib/} jars, and
   *     {@code classes/} when the proxy was not packaged)
   * @param archive where this proxy keeps its class-data-sharing archive (a directory uid 2102 may write)
   */
  public static List<String> argv(Installation installation, Path runtime, Path archive, MeshLayout.Placed workload) {
    List<String> argv = new ArrayList<>(workload.netns().exec(List.of(
        "setpriv", "--reuid=" + ProxyInitConfig.PROXY_UID, "--regid=" + ProxyInitConfig.PROXY_UID,
        "--clear-groups", "--")));
    argv.add(installation.java().toString());
    argv.addAll(Installation.JVM_FLAGS);
    argv.add("-XX:-UsePerfData");
    String classpath = (Files.isDirectory(runtime.resolve("classes")) ? runtime.resolve("classes") + File.pathSeparator : "")
        + runtime.resolve("lib") + "/*";
    argv.addAll(Installation.classDataSharing(classpath, archive));
    argv.add("-cp");
    argv.add(classpath);
    argv.add("dev.lattice.proxy.ProxyMain");
    return argv;
  }

  public static Map<String, String> env(MeshLayout layout, MeshLayout.Placed workload, String trustAnchorsPem,
      Path tokenFile, Path identityDir) {
    String cp = layout.bridgeAddress().getHostAddress();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("HOME", "/");
    env.put("LANG", "C.UTF-8");
    env.put(ProxyEnv.INBOUND_LISTEN_ADDR, "0.0.0.0:" + Ports.PROXY_INBOUND);
    // As Linkerd's chart does with the pod IPs: inbound connections must be for the workload.
    env.put(ProxyEnv.INBOUND_IPS, workload.address().getHostAddress());
    env.put(ProxyEnv.OUTBOUND_LISTEN_ADDR, "127.0.0.1:" + Ports.PROXY_OUTBOUND);
    env.put(ProxyEnv.ADMIN_LISTEN_ADDR, "0.0.0.0:" + Ports.PROXY_ADMIN);
    env.put(ProxyEnv.IDENTITY_LOCAL_NAME,
        identity(workload.spec().serviceAccount(), workload.spec().namespace()).value());
    env.put(ProxyEnv.IDENTITY_TRUST_ANCHORS, trustAnchorsPem);
    env.put(ProxyEnv.IDENTITY_TOKEN_FILE, tokenFile.toString());
    env.put(ProxyEnv.IDENTITY_DIR, identityDir.toString());
    env.put(ProxyEnv.IDENTITY_SVC_ADDR, cp + ":" + Ports.IDENTITY);
    env.put(ProxyEnv.IDENTITY_SVC_NAME, identity("linkerd-identity", MeshResources.CONTROL_PLANE_NAMESPACE).value());
    // First attempt right away; a failed one is retried after a second instead of Linkerd's 10 s,
    // so a proxy that starts while the control plane is still busy is not stuck for long.
    env.put(ProxyEnv.IDENTITY_MIN_REFRESH, "1s");
    env.put(ProxyEnv.DESTINATION_SVC_ADDR, cp + ":" + Ports.DESTINATION);
    env.put(ProxyEnv.DESTINATION_SVC_NAME,
        identity("linkerd-destination", MeshResources.CONTROL_PLANE_NAMESPACE).value());
    env.put("LINKERD2_PROXY_DESTINATION_CONTEXT", "{\"ns\":\"" + workload.spec().namespace()
        + "\",\"nodeName\":\"local\",\"pod\":\"" + workload.spec().name() + "\"}");
    // Inbound policy from the control plane's policy server, about this workload's pod; the
    // start-time default and cluster networks match what the server computes with.
    env.put(ProxyEnv.POLICY_SVC_ADDR, cp + ":" + Ports.POLICY);
    env.put(ProxyEnv.POLICY_WORKLOAD, "{\"ns\":\"" + workload.spec().namespace() + "\",\"pod\":\""
        + workload.spec().name() + "\"}");
    // The workload's own default-inbound-policy annotation, as the injector resolves it, so the
    // proxy's start-time fallback is never more open than what the control plane will serve it.
    env.put(ProxyEnv.INBOUND_DEFAULT_POLICY,
        workload.spec().annotations().getOrDefault(PolicyIndex.DEFAULT_POLICY_KEY, DEFAULT_INBOUND_POLICY));
    env.put(ProxyEnv.POLICY_CLUSTER_NETWORKS, layout.spec().network().toString());
    if (!workload.spec().ports().isEmpty()) {
      // Watched from start-up, so the first connection to an app port need not wait for its policy.
      env.put(ProxyEnv.INBOUND_PORTS, workload.spec().ports().stream().map(String::valueOf)
          .collect(java.util.stream.Collectors.joining(",")));
    }
    String logLevel = workload.spec().annotations().get(MeshKeys.PROXY_LOG_LEVEL);
    if (logLevel != null) {
      env.put(ProxyEnv.LOG, logLevel); // as the injector does with the annotation
    }
    env.put("LINKERD2_PROXY_CORES", "1");
    env.put(ProxyEnv.SHUTDOWN_GRACE_PERIOD, "2s");
    return env;
  }
}
