package dev.lattice.cli.check;

import dev.lattice.control.policy.ManifestPolicies;
import dev.lattice.control.policy.PolicyConfig;
import dev.lattice.control.policy.PolicyIndex;
import dev.lattice.control.policy.PolicyWarning;
import dev.lattice.control.policy.PolicyWarning.BlockedProbe;
import dev.lattice.control.policy.PolicyWarning.DefaultPolicyDrift;
import dev.lattice.control.policy.PolicyWarnings;
import dev.lattice.control.store.InvalidResourceException;
import dev.lattice.control.store.LocalStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code lattice-policy} category, a Lattice addition with no Linkerd counterpart: it makes the
 * policy rules that surprise people visible without changing them. One check loads the resources
 * (from manifests, or from a local mesh's state directory), then two warnings list workloads whose
 * default inbound policy no longer matches their namespace, and declared probes their own proxy would
 * refuse, each with its fix. One instance serves one run.
 */
public final class PolicyChecks {
  public static final String CATEGORY = "lattice-policy";

  private final String source;
  private final Loader loader;
  private List<PolicyWarning> warnings;

  /** Loads the policy model for the run; may throw, which the check reports as its problem. */
  @FunctionalInterface
  public interface Loader {
    PolicyIndex load();
  }

  /** @param source what the resources come from, for messages, e.g. {@code the manifests} */
  public PolicyChecks(String source, Loader loader) {
    this.source = source;
    this.loader = loader;
  }

  /**
   * Checks over manifest files, applied in order, one file per {@code kubectl apply}: a namespace
   * edited in a later file than its workloads shows as drift.
   */
  public static PolicyChecks ofManifests(List<Path> files, PolicyConfig config) {
    return new PolicyChecks("the manifests", () -> {
      try {
        return ManifestPolicies.loadEach(files, config).index();
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    });
  }

  /**
   * Checks over a local mesh's store ({@code <stateDir>/resources}), read once and never written. The
   * store records on each workload what it inherited from its namespace when it was created, so
   * namespace edits since then show as drift, as in manifest mode. A workload stored before that was
   * recorded is taken to have inherited the namespace as it is now, and shows none.
   */
  public static PolicyChecks ofStateDir(Path stateDir, PolicyConfig config) {
    return new PolicyChecks("the state directory " + stateDir, () -> {
      // LocalStore.open creates what is missing; a check must not, so look first.
      if (!Files.isDirectory(stateDir.resolve("resources"))) {
        throw new IllegalStateException("no mesh resources in " + stateDir + " (expected " + stateDir.resolve("resources")
            + "; start a mesh with lattice up, or check manifests with -f)");
      }
      try (LocalStore store = LocalStore.open(stateDir, Duration.ZERO)) {
        return PolicyIndex.of(store.snapshot(), config);
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + stateDir + ": " + e.getMessage(), e);
      }
    });
  }

  public CheckCategory category() {
    return new CheckCategory(CATEGORY, List.of(
        Check.fatal("policy resources are valid", "", this::load),
        Check.warning("workloads' default inbound policies match their namespaces", "",
            () -> verdict(DefaultPolicyDrift.class, " workload(s) run with a default inbound policy their namespace"
                + " no longer gives:")),
        Check.warning("policies authorize every declared probe", "",
            () -> verdict(BlockedProbe.class, " declared probe(s) would be refused by their workload's own proxy:"))));
  }

  /**
   * {@code warnings} as check lines: {@code * summary} then {@code fix: …}, and a fix's manifests
   * indented below it (once per workload port when several probes share it). {@code lattice apply}
   * can print the same lines after a change.
   */
  public static List<String> lines(List<? extends PolicyWarning> warnings) {
    List<String> out = new ArrayList<>();
    Set<String> snippetsShown = new HashSet<>();
    for (PolicyWarning w : warnings) {
      out.add("* " + w.summary());
      if (w instanceof BlockedProbe b && !b.snippet().isEmpty()) {
        if (snippetsShown.add(b.workloadName() + ":" + b.port())) {
          out.add("  fix: " + b.fix());
          b.snippet().lines().forEach(l -> out.add("    " + l));
        } else {
          out.add("  fix: the manifests above, for port " + b.port() + ", cover this probe too");
        }
      } else {
        out.add("  fix: " + w.fix());
      }
    }
    return out;
  }

  private Verdict load() {
    try {
      warnings = PolicyWarnings.of(loader.load());
      return Verdict.ok();
    } catch (InvalidResourceException e) {
      return Verdict.problem(source + " hold invalid resources (run lattice validate):\n\t"
          + String.join("\n\t", e.problems()));
    }
  }

  private Verdict verdict(Class<? extends PolicyWarning> type, String heading) {
    List<PolicyWarning> found = warnings.stream().filter(type::isInstance).toList();
    if (found.isEmpty()) {
      return Verdict.ok();
    }
    return Verdict.problem(found.size() + heading + "\n\t" + String.join("\n\t", lines(found)));
  }
}
