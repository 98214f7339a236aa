package dev.lattice.cli.mesh;

import dev.lattice.cli.CliException;
import dev.lattice.cli.Durations;
import dev.lattice.local.exec.ProcessCommandRunner;
import dev.lattice.local.mesh.DemoMesh;
import dev.lattice.local.mesh.MeshFile;
import dev.lattice.local.mesh.MeshLayout;
import dev.lattice.local.mesh.MeshSpec;
import dev.lattice.local.state.MeshRecord;
import dev.lattice.local.up.Installation;
import dev.lattice.local.up.MeshPki;
import dev.lattice.local.up.MeshUp;
import dev.lattice.local.up.Preflight;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lattice up}: a whole mesh on this machine (the demo app unless {@code -f mesh.yaml}). */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start a mesh on this machine: the control plane, then for each workload a network namespace, "
          + "proxy-init's iptables rules, its proxy (uid 2102) and its app. Without -f, the emojivoto-like demo.",
      "Needs root. Returns once every workload is ready; the mesh keeps running in the background "
          + "(lattice status, lattice down)."
    })
public final class UpCommand implements Callable<Integer> {
  static final String DEMO_EXPOSE = DemoMesh.NAMESPACE + "/web:8080@7080";

  @Spec CommandSpec spec;
  @Mixin StateDirOption state;

  @Option(names = {"-f", "--file"}, paramLabel = "MESH_YAML", description = "Workloads and services to run (see docs/local-mesh.md).")
  Path meshFile;

  @Option(names = "--expose", paramLabel = "NS/WORKLOAD:PORT[@LISTEN]",
      description = "Forward 127.0.0.1:LISTEN on the host to that workload port (default for the demo: "
          + DEMO_EXPOSE + "; LISTEN 0 picks a free port; 'none' for no forward).")
  String expose;

  @Option(names = "--identity-trust-anchors-file", paramLabel = "FILE", description = "Trust anchors (PEM) instead of generated ones.")
  Path trustAnchors;

  @Option(names = "--identity-issuer-certificate-file", paramLabel = "FILE", description = "Issuer certificate (PEM).")
  Path issuerCertificate;

  @Option(names = "--identity-issuer-key-file", paramLabel = "FILE", description = "Issuer private key (PEM).")
  Path issuerKey;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "120s", converter = Durations.class,
      description = "Give up (and remove what was created) if not ready by then (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  private final InstantSource clock;
  private final BooleanSupplier root;

  public UpCommand(InstantSource clock) {
    this(clock, Preflight::isRoot);
  }

  /** With {@code root} deciding whether this process may build a mesh (tests pass a fixed answer). */
  public UpCommand(InstantSource clock, BooleanSupplier root) {
    this.clock = clock;
    this.root = root;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!root.getAsBoolean()) {
      spec.commandLine().getErr().println("lattice: " + notRoot());
      return 1;
    }
    Installation installation;
    try {
      installation = Installation.current();
    } catch (IllegalStateException e) {
      throw new CliException(e.getMessage(), e);
    }
    MeshSpec meshSpec;
    String exposed = expose;
    try {
      if (meshFile != null) {
        meshSpec = MeshFile.read(meshFile);
      } else {
        installation.requireBuilt("demo");
        Installation demo = installation;
        var cache = state.dir().cache();
        meshSpec = DemoMesh.spec(name -> demo.demoLauncher(Optional.of(cache.resolve("demo-" + name + ".jsa"))));
        exposed = exposed == null ? DEMO_EXPOSE : exposed;
      }
    } catch (IOException e) {
      throw new CliException("cannot read " + meshFile + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliException(e.getMessage(), e);
    }
    if (exposed == null || exposed.equals("none")) {
      exposed = "";
    } else {
      try {
        var parsed = dev.lattice.local.supervise.Supervisor.Expose.parse(exposed);
        if (MeshLayout.of("check", meshSpec).workload(parsed.namespace(), parsed.workload()).isEmpty()) {
          throw new CliException("--expose " + exposed + ": the mesh has no workload " + parsed.namespace() + "/"
              + parsed.workload());
        }
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), e);
      }
    }
    Optional<MeshPki.External> pki = externalPki();
    MeshUp up = new MeshUp(ProcessCommandRunner.create(), installation, clock, line -> {
      out.println(line);
      out.flush();
    });
    MeshUp.Result result;
    try {
      result = up.run(new MeshUp.Options(state.dir(), meshSpec, pki, exposed, timeout));
    } catch (Preflight.AlreadyUpException | Preflight.NotRootException e) {
      throw new CliException(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new CliException("up failed: " + e.getMessage(), e);
    }
    printNext(out, result);
    return 0;
  }

  static String notRoot() {
    return Preflight.notRootMessage("up");
  }

  private Optional<MeshPki.External> externalPki() {
    int given = (trustAnchors != null ? 1 : 0) + (issuerCertificate != null ? 1 : 0) + (issuerKey != null ? 1 : 0);
    if (given == 0) {
      return Optional.empty();
    }
    if (given != 3) {
      throw new CliException("--identity-trust-anchors-file, --identity-issuer-certificate-file and "
          + "--identity-issuer-key-file go together: give all three, or none to use the state directory's own");
    }
    return Optional.of(new MeshPki.External(trustAnchors, issuerCertificate, issuerKey));
  }

  private void printNext(PrintWriter out, MeshUp.Result result) {
    MeshRecord record = result.record();
    MeshLayout layout = record.layout();
    String stateFlag = state.stateDir == null ? "" : " --state-dir " + state.dir().root();
    out.printf("%nmesh %s up in %.1fs: %d workloads ready%n", record.meshId(), result.elapsed().toMillis() / 1000.0,
        layout.workloads().size());
    out.println();
    out.println("Try next:");
    if (!record.exposeListen().isEmpty()) {
      out.println("  open http://" + record.exposeListen() + "/        # " + record.expose().replaceAll("@.*", "")
          + ", through its proxy");
    }
    out.println("  lattice status" + stateFlag + "                # workloads, addresses, proxies, identities");
    // The exposed workload's proxy has the most to show (inbound from the host, outbound to its peers).
    String exposedName = record.expose().replaceAll("[:@].*", "");
    layout.workloads().stream().filter(w -> w.spec().meshed())
        .sorted(java.util.Comparator.comparing(w -> !w.spec().qualifiedName().equals(exposedName)))
        .findFirst().ifPresent(w ->
        out.println("  ip netns exec " + w.netns() + " curl -s 127.0.0.1:4191/metrics | grep -E '^(request|response)_total'"));
    out.println("  lattice down" + stateFlag + "                  # remove everything up created");
    out.flush();
  }
}
