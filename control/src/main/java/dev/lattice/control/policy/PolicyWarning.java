package dev.lattice.control.policy;

import dev.lattice.control.store.Workload;
import dev.lattice.control.store.Workload.ProbeKind;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DefaultPolicy;
import java.util.Objects;

/**
 * A policy outcome that follows the specification and still tends to surprise people: the rule
 * stands (fail-closed), the warning only makes it visible and says how to change it. Found by {@link
 * PolicyWarnings}; {@code lattice check --policy} prints them, and so can any command that changes
 * resources.
 */
public sealed interface PolicyWarning {
  /** The workload the warning is about. */
  Workload workload();

  /** One sentence: what is surprising. */
  String summary();

  /** The smallest change that resolves it. */
  String fix();

  /** {@code namespace/name} of the workload. */
  default String workloadName() {
    return workload().namespace() + "/" + workload().name();
  }

  /**
   * The workload's effective default policy is not what its namespace says now: the namespace's
   * {@code config.linkerd.io/default-inbound-policy} was taken when the workload was created (spec
   * §1.2), and the namespace has changed since.
   *
   * @param effective the default the workload runs with
   * @param effectiveSource where that came from, e.g. {@code copied from namespace shop when the
   *     workload was created}
   * @param namespaceNow what a workload created now would get
   * @param namespaceNowSource where that comes from, e.g. {@code namespace shop's annotation}
   */
  record DefaultPolicyDrift(Workload workload, DefaultPolicy effective, String effectiveSource,
      DefaultPolicy namespaceNow, String namespaceNowSource) implements PolicyWarning {
    public DefaultPolicyDrift {
      Objects.requireNonNull(workload, "workload");
      Objects.requireNonNull(effective, "effective");
      Objects.requireNonNull(namespaceNow, "namespaceNow");
    }

    @Override
    public String summary() {
      return workloadName() + " runs with default inbound policy " + effective + " (" + effectiveSource
          + "), but a workload created in namespace " + workload.namespace() + " now gets " + namespaceNow
          + " (" + namespaceNowSource + ")";
    }

    @Override
    public String fix() {
      return "recreate the workload (roll out its pod template) to take " + namespaceNow
          + ", or keep " + effective + " by annotating the workload with " + PolicyIndex.DEFAULT_POLICY_KEY + ": "
          + effective;
    }
  }

  /**
   * A declared HTTP probe that the workload's own proxy would refuse: the probe request (a GET of the
   * path, from an unauthenticated kubelet-like client in the probe networks) evaluated with the port's
   * effective policy is denied. Typically an HTTPRoute on the Server removed the automatic probe route
   * (spec §1.12.2).
   *
   * @param server the governing server, e.g. {@code Server/web-http} or {@code default server default/deny}
   * @param reason why the probe is refused
   * @param decision the evaluator's decision for the probe request, with every authorization tried
   * @param fix the smallest change, in words
   * @param snippet manifests that make that change, or empty when no manifest alone fixes it
   */
  record BlockedProbe(Workload workload, String container, ProbeKind kind, int port, String path, String server,
      String reason, Decision decision, String fix, String snippet) implements PolicyWarning {
    public BlockedProbe {
      Objects.requireNonNull(workload, "workload");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(decision, "decision");
      snippet = snippet == null ? "" : snippet;
    }

    @Override
    public String summary() {
      return workloadName() + " container " + container + ": the " + kind.label() + " probe GET " + path
          + " on port " + port + " would get " + decision.response().description() + ": " + reason;
    }
  }
}
