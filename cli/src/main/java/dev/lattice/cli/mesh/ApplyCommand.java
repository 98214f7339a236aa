package dev.lattice.cli.mesh;

import dev.lattice.cli.CliException;
import dev.lattice.cli.check.PolicyChecks;
import dev.lattice.control.policy.PolicyConfig;
import dev.lattice.control.policy.PolicyWarning;
import dev.lattice.control.policy.PolicyWarnings;
import dev.lattice.control.store.Change;
import dev.lattice.control.store.InvalidResourceException;
import dev.lattice.control.store.Kind;
import dev.lattice.control.store.LocalStore;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.ResourceRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lattice apply -f FILE} and {@code lattice delete -f FILE}: change the local mesh's store. */
public final class ApplyCommand {
  private ApplyCommand() {}

  static List<Resource> read(Path file) {
    try {
      return ManifestParser.parse(file);
    } catch (NoSuchFileException e) {
      throw new CliException("cannot read " + file + ": no such file", e);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (InvalidResourceException e) {
      throw new CliException(file + " is invalid, nothing was changed: " + e.getMessage(), e);
    }
  }

  static void print(PrintWriter out, List<Change> changes) {
    changes.forEach(out::println);
    out.flush();
  }

  /**
   * After a change, names every declared probe the mesh's own proxies would now refuse, with the fix.
   * The rule stays fail-closed: this only makes the consequence visible before the kubelet finds it.
   * When the change touched namespaces, also names their running workloads that keep the default
   * inbound policy they were created with (Linkerd's timing), so a namespace edit is not mistaken
   * for a policy change that already applies.
   */
  static void warnAboutPolicy(PrintWriter err, LocalStore store, Set<String> namespacesChanged) {
    List<PolicyWarning> warnings = PolicyWarnings.of(store.snapshot(), PolicyConfig.defaults());
    List<PolicyWarning.BlockedProbe> blocked = warnings.stream()
        .filter(PolicyWarning.BlockedProbe.class::isInstance)
        .map(PolicyWarning.BlockedProbe.class::cast)
        .toList();
    List<PolicyWarning.DefaultPolicyDrift> drift = warnings.stream()
        .filter(PolicyWarning.DefaultPolicyDrift.class::isInstance)
        .map(PolicyWarning.DefaultPolicyDrift.class::cast)
        .filter(d -> namespacesChanged.contains(d.workload().namespace()))
        .toList();
    if (!blocked.isEmpty()) {
      err.println("Warning: " + blocked.size() + " declared probe(s) would be refused by their workload's own proxy:");
      PolicyChecks.lines(blocked).forEach(line -> err.println("  " + line));
    }
    if (!drift.isEmpty()) {
      err.println("Warning: " + drift.size() + " running workload(s) keep the default inbound policy they were created"
          + " with; the namespace's new default reaches only workloads created from now on:");
      PolicyChecks.lines(drift).forEach(line -> err.println("  " + line));
    }
    err.flush();
  }

  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = {"Create or update the objects in FILE (Namespace, ServiceAccount, Pod, Service) in the local "
          + "mesh's store, like kubectl apply. An invalid file changes nothing."})
  public static final class Apply implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateDirOption state;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE", description = "YAML manifests.")
    Path file;

    @Override
    public Integer call() throws IOException {
      List<Resource> resources = read(file);
      try (LocalStore store = LocalStore.open(state.dir().root(), Duration.ZERO)) {
        print(spec.commandLine().getOut(), store.apply(resources));
        Set<String> namespaces = resources.stream().filter(r -> r.kind() == Kind.NAMESPACE)
            .map(r -> r.ref().name()).collect(Collectors.toSet());
        warnAboutPolicy(spec.commandLine().getErr(), store, namespaces);
      } catch (InvalidResourceException e) {
        throw new CliException(file + " is invalid, nothing was changed: " + e.getMessage(), e);
      }
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = {"Delete the objects named in FILE from the local mesh's store, like kubectl delete -f."})
  public static final class Delete implements java.util.concurrent.Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StateDirOption state;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE", description = "YAML manifests.")
    Path file;

    @Override
    public Integer call() throws IOException {
      List<ResourceRef> refs = read(file).stream().map(Resource::ref).toList();
      try (LocalStore store = LocalStore.open(state.dir().root(), Duration.ZERO)) {
        print(spec.commandLine().getOut(), store.delete(refs));
      }
      return 0;
    }
  }
}
